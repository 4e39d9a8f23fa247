import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@sso/testing';

const root = path.resolve(__dirname, '..');
const apps = [
  { name: 'saml-sp', portVar: 'SAML_SP_PORT', internalVar: 'SAML_SP_INTERNAL_PORT', key: 'ports.samlSp' },
  { name: 'scim-api', portVar: 'SCIM_API_PORT', internalVar: 'SCIM_API_INTERNAL_PORT', key: 'ports.scimApi' },
  { name: 'token-admin', portVar: 'TOKEN_ADMIN_PORT', internalVar: 'TOKEN_ADMIN_INTERNAL_PORT', key: 'ports.tokenAdmin' },
] as const;

function start(app: string, env: Record<string, string>): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(root, `dist/apps/${app}/main.js`)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exit };
}

async function waitForStatus(port: number, timeoutMs = 15_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(`http://127.0.0.1:${port}/i/status`);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.each(apps)('the $name process', ({ name, portVar, internalVar, key }) => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], { stdio: 'ignore' });
  });

  it('starts, reports Cassandra healthy, logs JSON with request ids, and stops cleanly on SIGTERM', async () => {
    const [port, internalPort] = [await freePort(), await freePort()];
    const p = start(name, { [portVar]: String(port), [internalVar]: String(internalPort), HTTP_HOST: '127.0.0.1' });
    try {
      const r = await waitForStatus(internalPort);
      expect(r.status).toBe(200);
      // Internal routes answer on the internal port only.
      expect((await fetch(`http://127.0.0.1:${port}/i/status`)).status).toBe(404);
      const requestId = r.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      // A log line is written when the response completes; give it a moment to be flushed.
      await new Promise((r2) => setTimeout(r2, 200));
      const lines = p
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      expect(lines.some((l) => l.reqId === requestId && l.app === name && l.res?.statusCode === 200)).toBe(true);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exit).toBe(0);
  });

  it('refuses to start on a bad configuration value, naming the key and the variable', async () => {
    const p = start(name, { [portVar]: 'not-a-port' });
    expect(await p.exit).toBe(78);
    expect(p.out()).toContain(`${key} (env ${portVar})`);
  });
});
