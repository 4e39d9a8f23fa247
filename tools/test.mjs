#!/usr/bin/env node
// `npm test`: type-check, then both test tiers with vitest (docs/development.md, "Tests"): the
// unit tier first, then the integration tier, whose global setup starts a local Cassandra node
// and Redis when none answer (and stops what it started). Arguments are passed to vitest, e.g.
// `npm test -- libs/persistence` (a path picks its files in whichever tier they are).
// `npm run test:unit` (`--unit`): the unit tier only, without the type-check: no JVM, no Redis,
// no network.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './lib/proc.mjs';

const require = createRequire(import.meta.url);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', SCARF_ANALYTICS: 'false' };
const t0 = Date.now();
const args = process.argv.slice(2);
const unitOnly = args[0] === '--unit';

function step(name, script, argv) {
  process.stderr.write(`[test] ${name}\n`);
  const r = spawnSync(process.execPath, [script, ...argv], { cwd: repoRoot, env, stdio: 'inherit' });
  return r.status ?? 1;
}

const vitest = path.join(repoRoot, 'node_modules/vitest/vitest.mjs');
let code;
if (unitOnly) {
  code = step('vitest (unit tier)', vitest, ['run', '--project', 'unit', ...args.slice(1)]);
} else {
  code = step('type-check', require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  if (code === 0) code = step('vitest (unit and integration tiers)', vitest, ['run', ...args]);
}
process.stderr.write(`[test] ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)}s\n`);
process.exit(code);
