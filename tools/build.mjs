#!/usr/bin/env node
// Compiles the TypeScript that the runnable programs use to CommonJS in dist/ with swc (decorator
// metadata included, which Nest's dependency injection needs), and resolves the @sso/* path
// aliases to relative requires. Layout: apps/<a>/src/x.ts -> dist/apps/<a>/x.js, libs/<l>/src/x.ts
// -> dist/libs/<l>/x.js, tools/x.ts -> dist/tools/x.js. Type checking is `npm run lint`'s job.
//
// Only what the entry points (apps/*/src/{main,cli}.ts and the tools' .ts programs) import,
// directly or through other files, is compiled: helpers that only tests use (libs/testing,
// @sso/persistence/testing, contract suites) never land in dist/ or in the image. The JSON files
// next to the sources and the .cql schema dumps in libs/*/schema/ are copied as they are.
//
// `--out <dir>` writes somewhere other than dist/ (tools/build.spec.ts builds into a temporary
// directory). `--dev` also compiles the test IdP (libs/testing/src/saml-idp.ts), which the
// resilience rehearsal and the benchmarks drive from plain Node; a build without it removes it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const dist = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist');

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
const isSource = (rel) => rel.endsWith('.ts') && !rel.endsWith('.spec.ts') && !rel.endsWith('.d.ts') && !rel.includes('.contract.');
const exists = (abs) => fs.existsSync(abs) && fs.statSync(abs).isFile();

/** The file a module specifier names, or null for a package import. */
function resolveImport(fromAbs, spec) {
  let base;
  if (spec.startsWith('.')) base = path.resolve(path.dirname(fromAbs), spec);
  else {
    const m = /^@sso\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(spec);
    if (!m) return null;
    base = path.join(root, 'libs', m[1], 'src', m[2] ?? '');
  }
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (exists(c)) return c;
  throw new Error(`build: cannot resolve ${spec} from ${path.relative(root, fromAbs)}`);
}

/** Runtime imports of a file: `import`/`export ... from`, `import()`, `require()`; not `import type`. */
function importsOf(abs) {
  const text = fs.readFileSync(abs, 'utf8');
  const specs = [];
  for (const m of text.matchAll(/\b(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g)) if (!m[1]) specs.push(m[2]);
  for (const m of text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs.map((spec) => resolveImport(abs, spec)).filter(Boolean);
}

const devEntries = process.argv.includes('--dev') ? [path.join(root, 'libs/testing/src/saml-idp.ts')] : [];
const entries = [
  ...devEntries,
  ...fs.readdirSync(path.join(root, 'apps')).flatMap((a) => ['main.ts', 'cli.ts'].map((f) => path.join(root, 'apps', a, 'src', f))),
  ...[...walk(path.join(root, 'tools'))].filter((abs) => isSource(path.relative(root, abs))),
].filter(exists);
const reachable = new Set();
const queue = [...entries];
while (queue.length) {
  const abs = queue.pop();
  if (reachable.has(abs)) continue;
  reachable.add(abs);
  if (abs.endsWith('.ts')) queue.push(...importsOf(abs));
}
const copied = fs.readdirSync(path.join(root, 'libs')).flatMap((l) => {
  const dir = path.join(root, 'libs', l, 'schema');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.cql'))
        .map((f) => path.join(dir, f))
    : [];
});

let count = 0;
const sources = [...reachable, ...copied].sort();
for (const abs of sources) {
  const rel = path.relative(root, abs).split(path.sep).join('/');
  const out = outPath(rel);
  if (rel.endsWith('.json') || rel.endsWith('.cql')) {
    writeIfChanged(rel.endsWith('.json') ? out.replace(/\.js$/, '') : path.join(dist, rel), fs.readFileSync(abs, 'utf8'));
    continue;
  }
  if (!isSource(rel)) throw new Error(`build: ${rel} is imported by a program but is test code`);
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
process.stderr.write(`[build] ${count} files compiled to ${path.relative(root, dist) || '.'}/ in ${Date.now() - t0} ms\n`);
