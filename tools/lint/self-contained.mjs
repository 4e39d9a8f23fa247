#!/usr/bin/env node
// Every document the repository cites is in the repository. This lists the places that still
// point at the design material the project started from (a `shared/` directory beside the clone,
// and the documents in it), which a clone does not have: their content lives in docs/ now.
//
//   node tools/lint/self-contained.mjs          list offenders (file:line: text), exit 1 if any
//   node tools/lint/self-contained.mjs --fix    first rewrite the mechanical cases (below), then list
//
// The fixes re-point a citation at the repo's own page with the same section numbers:
// DESIGN.md → docs/design.md, spar-behaviour.md → docs/spar-behaviour.md,
// saml-sp-requirements.md → docs/saml-checks.md, scim-clients.md → docs/scim-clients.md.
// Anything else (walk-throughs, schema dumps, the `shared/` paths) needs a sentence of its own.
// tools/lint/self-contained.spec.ts runs this, so the rule holds for every later change.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Built from parts, so that this file does not list itself.
const D = 'DESIGN';
const outside = {
  [`${D}.md`]: 'docs/design.md',
  'spar-behaviour.md': 'docs/spar-behaviour.md',
  'saml-sp-requirements.md': 'docs/saml-checks.md',
  'scim-clients.md': 'docs/scim-clients.md',
  'brig-galley-reference.cql': null,
  'seed-walkthrough.md': null,
  'stack-notes.md': null,
};
const stems = [
  'spar-behaviour',
  'saml-sp-requirements',
  'scim-clients',
  'brig-galley-reference',
  'seed-walkthrough',
  'stack-notes',
  'wire-sso-scim-admin-manual',
];

/** The patterns a line must not match; `docs/<name>` is fine when that file exists. */
export function problemsIn(line, exists = (rel) => fs.existsSync(path.join(repoRoot, rel))) {
  const found = [];
  const shared = /(?:\.\.\/)+shared\b|\/work\/shared\b|\bshared\/(?:reference|schema|conformance|hooks)\b/.exec(line);
  if (shared) found.push(shared[0]);
  for (const m of line.matchAll(new RegExp(`(docs/)?\\b(${D}(?:\\.md|\\s+§|\\s+section\\b))`, 'g'))) found.push(m[2]);
  for (const m of line.matchAll(new RegExp(`(docs/|reference/|schema/)?\\b(${stems.join('|')})\\b(\\.md|\\.cql|\\.txt)?`, 'g'))) {
    const [all, dir, stem, ext] = m;
    if (dir === 'docs/' && ext && exists(`docs/${stem}${ext}`)) continue;
    found.push(all);
  }
  if (/\bdesign (?:docs|repository|reference)\b/i.test(line)) found.push('the design docs');
  return found;
}

/** Tracked files and new files not ignored, minus binaries, the lockfile and this rule's own files. */
export function candidateFiles() {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  const self = new Set(['tools/lint/self-contained.mjs', 'tools/lint/self-contained.spec.ts', 'tools/lint/self-contained.d.mts']);
  return [...new Set(out.split('\0').filter(Boolean))].filter(
    (f) => !self.has(f) && f !== 'package-lock.json' && fs.existsSync(path.join(repoRoot, f)),
  );
}

function textOf(rel) {
  const buf = fs.readFileSync(path.join(repoRoot, rel));
  return buf.includes(0) ? null : buf.toString('utf8');
}

/** Every offending line: `{ file, line, text, problems }`. */
export function offenders(files = candidateFiles()) {
  const result = [];
  for (const file of files) {
    const text = textOf(file);
    if (text === null) continue;
    text.split('\n').forEach((line, i) => {
      const problems = problemsIn(line);
      if (problems.length) result.push({ file, line: i + 1, text: line.trim(), problems });
    });
  }
  return result;
}

/** The mechanical rewrites; returns the text unchanged when none applies. */
export function fixText(text) {
  let t = text;
  t = t.replace(new RegExp(`(?<!docs/)\\b${D}(?:\\.md)?(\\s+)(§|section\\s+)(\\d)`, 'g'), (_a, sp, _s, n) => `docs/design.md${sp}§${n}`);
  t = t.replace(new RegExp(`(?<!docs/)\\b${D}\\.md\\b`, 'g'), 'docs/design.md');
  for (const [name, target] of Object.entries(outside)) {
    if (!target || name.startsWith(D)) continue;
    const stem = name.replace(/\.md$/, '');
    // reference/x.md, x.md and the bare stem followed by a section sign.
    t = t.replace(new RegExp(`(?<![\\w/-])(?:reference/)?${stem}\\.md\\b`, 'g'), target);
    t = t.replace(new RegExp(`(?<![\\w/-])${stem}(\\s+)(§|section\\s+)(\\d)`, 'g'), (_a, sp, _s, n) => `${target}${sp}§${n}`);
  }
  return t;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--fix')) {
    for (const f of candidateFiles()) {
      const text = textOf(f);
      if (text === null) continue;
      const fixed = fixText(text);
      if (fixed !== text) {
        fs.writeFileSync(path.join(repoRoot, f), fixed);
        console.log(`fixed ${f}`);
      }
    }
  }
  const found = offenders();
  for (const o of found) console.log(`${o.file}:${o.line}: ${o.problems.join(', ')}: ${o.text.slice(0, 160)}`);
  if (found.length) {
    console.error(`${found.length} line(s) point at documents outside the repository; cite docs/ instead`);
    process.exit(1);
  }
}
