#!/usr/bin/env node
// Compiles apps/, libs/ and tools/ TypeScript to CommonJS in dist/ with swc (decorator metadata
// included, which Nest's dependency injection needs), and resolves the @sso/* path aliases to
// relative requires. Layout: apps/<a>/src/x.ts -> dist/apps/<a>/x.js, libs/<l>/src/x.ts ->
// dist/libs/<l>/x.js, tools/x.ts -> dist/tools/x.js. Type checking is `npm run lint`'s job.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

function outPath(rel) {
  const m = /^(apps|libs)\/([^/]+)\/src\/(.*)$/.exec(rel);
  const mapped = m ? `${m[1]}/${m[2]}/${m[3]}` : rel;
  return path.join(dist, mapped.replace(/\.ts$/, '.js'));
}

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'test') yield* walk(p);
    } else yield p;
  }
}

const options = {
  swcrc: false,
  configFile: false,
  sourceMaps: true,
  module: { type: 'commonjs', strict: true },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

const t0 = Date.now();
// dist/ is rewritten in place (unchanged files untouched) rather than deleted, so that running
// apps (npm start) are not pulled from under a rebuild by `npm run admin`.
const written = new Set();
const writeIfChanged = (file, content) => {
  written.add(file);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};
let count = 0;
const sources = ['apps', 'libs', 'tools']
  .filter((d) => fs.existsSync(path.join(root, d)))
  .flatMap((d) => [...walk(path.join(root, d))]);
for (const abs of sources) {
  const rel = path.relative(root, abs).split(path.sep).join('/');
  const out = outPath(rel);
  if (rel.endsWith('.json') && /\/src\//.test(rel)) {
    writeIfChanged(out.replace(/\.js$/, ''), fs.readFileSync(abs, 'utf8'));
    continue;
  }
  if (!rel.endsWith('.ts') || rel.endsWith('.spec.ts') || rel.endsWith('.d.ts') || rel.includes('.contract.')) continue;
  const { code, map } = await swc.transformFile(abs, { ...options, filename: abs, sourceFileName: path.relative(path.dirname(out), abs) });
  const resolved = code.replace(/require\("@sso\/([a-z-]+)(\/[a-z-]+)?"\)/g, (_, lib, sub = '') => {
    let target = path.relative(path.dirname(out), path.join(dist, 'libs', lib, sub, 'index.js'));
    if (!target.startsWith('.')) target = `./${target}`;
    return `require(${JSON.stringify(target)})`;
  });
  writeIfChanged(out, `${resolved}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
  if (map) writeIfChanged(`${out}.map`, map);
  count++;
}
// Outputs whose source is gone.
if (fs.existsSync(dist)) for (const f of walk(dist)) if (!written.has(f)) fs.rmSync(f);
process.stderr.write(`[build] ${count} files compiled to dist/ in ${Date.now() - t0} ms\n`);
