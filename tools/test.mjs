#!/usr/bin/env node
// `npm test`: type-check, then every test with vitest. The vitest global setup starts a local
// Cassandra node and Redis when none answer (and stops what it started). Arguments are passed
// to vitest, e.g. `npm test -- libs/persistence`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './lib/proc.mjs';

const require = createRequire(import.meta.url);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', SCARF_ANALYTICS: 'false' };
const t0 = Date.now();

function step(name, script, args) {
  process.stderr.write(`[test] ${name}\n`);
  const r = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, env, stdio: 'inherit' });
  return r.status ?? 1;
}

let code = step('type-check', require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']);
if (code === 0) code = step('vitest', path.join(repoRoot, 'node_modules/vitest/vitest.mjs'), ['run', ...process.argv.slice(2)]);
process.stderr.write(`[test] ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)}s\n`);
process.exit(code);
