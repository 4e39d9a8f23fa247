import { describe, expect, it } from 'vitest';
import { candidateFiles, fixText, offenders, problemsIn } from './self-contained.mjs';

// The names are assembled so that this file does not trip its own rule (it is skipped anyway).
const D = 'DESIGN';
const SB = 'spar-behaviour';
/** The folder beside the repository that held the design material (the rule's target). */
const OUT = 'sh' + 'ared';
const exists = (rel: string) => ['docs/spar-behaviour.md', 'docs/scim-clients.md', 'docs/design.md'].includes(rel);

/** Every document the repository cites is in the repository (tools/lint/self-contained.mjs). */
describe('self-contained documentation', () => {
  it('no tracked or new file points at a document outside the repository', () => {
    const found = offenders().map((o) => `${o.file}:${o.line}: ${o.problems.join(', ')}`);
    expect(found, 'run: node tools/lint/self-contained.mjs --fix, then reword what is left').toEqual([]);
  });

  it('looks at the files that matter: code, docs, the chart and this repo’s scripts', () => {
    const files = candidateFiles();
    for (const f of [
      'README.md',
      'CONTRIBUTING.md',
      'docs/design.md',
      'libs/saml/src/response.ts',
      'helm/sso/values.yaml',
      'tools/build.mjs',
    ])
      expect(files).toContain(f);
    expect(files).not.toContain('package-lock.json');
  });

  it.each([
    [`see ${D}.md §3`, [`${D}.md`]],
    [`(${D} §6.9)`, [`${D} §`]],
    [`${D} section 2`, [`${D} section`]],
    [`reference/${SB}.md §5.4`, [`reference/${SB}.md`]],
    [`${SB} §5.5`, [SB]],
    [`docs/${SB}.md §5.5`, []],
    [`docs/saml-sp-requirements.md`, ['docs/saml-sp-requirements.md']],
    [`schema/brig-galley-reference.cql`, ['schema/brig-galley-reference.cql']],
    [`path.resolve(__dirname, '../../${OUT}/conformance/x.json')`, [`../../${OUT}`]],
    [`/work/${OUT}/${D}.md`, [`/work/${OUT}`, `${D}.md`]],
    [`in the design docs`, ['the design docs']],
    [`docs/design.md §6.9 and libs/persistence/schema/spar.cql`, []],
    [`shared keyspaces and a shared Redis`, []],
  ])('%s', (line, want) => {
    expect(problemsIn(line, exists)).toEqual(want);
  });

  it('rewrites the mechanical citations to the repo’s own pages, keeping the section', () => {
    expect(fixText(`(${D} §6.9); ${D}.md section 2; ${D}.md left open`)).toBe(
      '(docs/design.md §6.9); docs/design.md §2; docs/design.md left open',
    );
    expect(fixText(`${SB}.md §3.3, ${SB} §5.5, reference/${SB}.md, docs/${SB}.md §4`)).toBe(
      'docs/spar-behaviour.md §3.3, docs/spar-behaviour.md §5.5, docs/spar-behaviour.md, docs/spar-behaviour.md §4',
    );
    expect(fixText('saml-sp-requirements.md §1-2 and (`reference/scim-clients.md`)')).toBe(
      'docs/saml-checks.md §1-2 and (`docs/scim-clients.md`)',
    );
    expect(fixText('nothing to do here')).toBe('nothing to do here');
  });
});
