import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/**
 * `npm run test:resilience` as part of `npm test`: a 3-node cluster of its own, two replicas of
 * each app behind the gateway, a bounded load, a node SIGKILLed and restarted, a rolling restart.
 * Its output is streamed as it runs; the verdict is its exit code and its last line.
 */
describe('the resilience rehearsal (tools/resilience)', () => {
  let child: ChildProcess | undefined;
  // On a timeout the run is told to stop; it then stops its apps and its cluster itself.
  afterAll(() => void (child?.exitCode === null && child.kill('SIGTERM')));

  it(
    'loses no acknowledged write and fails no request through a node loss and a rolling restart',
    async () => {
      child = spawn(process.execPath, [path.join(root, 'tools/resilience/resilience.mjs')], {
        cwd: root,
        env: { ...process.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.on('data', (d: Buffer) => {
          out += d.toString();
          process.stderr.write(d);
        });
      }
      const code = await new Promise<number | null>((resolve) => child!.on('exit', resolve));
      const last = out.trim().split('\n').pop();
      expect(last).toMatch(/^resilience: \d+ requests, 0 failed, 0 lost$/);
      expect(Number(/^resilience: (\d+)/.exec(last ?? '')?.[1])).toBeGreaterThan(100);
      expect(code).toBe(0);
    },
    15 * 60_000,
  );
});
