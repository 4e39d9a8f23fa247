#!/usr/bin/env node
// `npm run lint`: formatting (Prettier), ESLint (module boundaries, typescript-eslint's
// recommended rules, the promise rules), the type-check, and that no file cites a document
// outside the repository (self-contained.mjs). `--fix` formats and applies ESLint's
// fixes instead of failing. `npm test` runs the same checks before the tests on a full run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../lib/proc.mjs';

const fix = process.argv.includes('--fix');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

const bin = (pkg, file) => path.join(repoRoot, 'node_modules', pkg, file);
const steps = [
  // The Nx boundary rule reads the cached project graph and silently skips itself without one.
  ['project graph', bin('nx', 'dist/bin/nx.js'), ['show', 'projects'], 'ignore'],
  ['prettier', bin('prettier', 'bin/prettier.cjs'), [fix ? '--write' : '--check', '--log-level', 'warn', '.']],
  ['eslint', bin('eslint', 'bin/eslint.js'), [...(fix ? ['--fix'] : []), '.']],
  ['type-check', bin('typescript', 'bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['self-contained docs', path.join(repoRoot, 'tools/lint/self-contained.mjs'), fix ? ['--fix'] : []],
];

let failed = 0;
for (const [name, script, args, stdout = 'inherit'] of steps) {
  process.stderr.write(`[lint] ${name}\n`);
  const r = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, env, stdio: ['ignore', stdout, 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`[lint] ${name} failed${name === 'prettier' ? ' (run `npm run lint -- --fix`)' : ''}\n`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
