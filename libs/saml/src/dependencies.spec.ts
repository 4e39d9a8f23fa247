import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * npm audit does not work here, so the safe minimum versions of docs/saml-checks.md §2 are
 * asserted directly, over every copy in the installed tree.
 */
const MINIMUM: Record<string, string> = { '@node-saml/node-saml': '5.1.0', 'xml-crypto': '6.3.2', '@xmldom/xmldom': '0.8.15' };
const FORBIDDEN = ['xmldom', 'passport-saml', 'node-saml'];

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

const num = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10));
function atLeast(v: string, min: string): boolean {
  const a = num(v);
  const b = num(min);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function collect(node: LsNode, out: Array<{ name: string; version: string }>) {
  for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
    if (dep.version) out.push({ name, version: dep.version });
    collect(dep, out);
  }
}

describe('SAML dependencies', () => {
  it('every installed copy is at or above the safe minimum, and the dead unscoped packages are absent', async () => {
    const { stdout } = await promisify(execFile)('npm', ['ls', ...Object.keys(MINIMUM), ...FORBIDDEN, '--json', '--all'], {
      cwd: process.cwd(),
    });
    const found: Array<{ name: string; version: string }> = [];
    collect(JSON.parse(stdout) as LsNode, found);
    for (const name of Object.keys(MINIMUM))
      expect(
        found.some((f) => f.name === name),
        name,
      ).toBe(true);
    for (const f of found) {
      expect(FORBIDDEN, f.name).not.toContain(f.name);
      if (MINIMUM[f.name]) expect(atLeast(f.version, MINIMUM[f.name]), `${f.name}@${f.version}`).toBe(true);
    }
  });

  it('node-saml (the oracle, a devDependency) is pinned exactly and the overrides force the patched xml-crypto and xmldom', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      overrides: Record<string, string>;
    };
    expect(pkg.devDependencies['@node-saml/node-saml']).toBe('5.1.0');
    expect(atLeast(pkg.dependencies['xml-crypto'], '6.3.2')).toBe(true);
    expect(atLeast(pkg.dependencies['@xmldom/xmldom'], '0.8.15')).toBe(true);
    expect(pkg.overrides).toMatchObject({ 'xml-crypto': '$xml-crypto', '@xmldom/xmldom': '$@xmldom/xmldom' });
  });

  it("node-saml's verifier, which signature.spec.ts holds ours to, is where that test takes it from (lib/xml is not a public entry)", async () => {
    const xml = await import('@node-saml/node-saml/lib/xml');
    expect(typeof xml.getVerifiedXml).toBe('function');
    expect(xml.getVerifiedXml.length).toBe(3);
  });
});
