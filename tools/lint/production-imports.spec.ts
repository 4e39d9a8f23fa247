// The image installs `dependencies` only (docker/Dockerfile, `npm ci --omit=dev`), so production code
// that imports a devDependency works in every test and fails in the first pod. node-saml, for one,
// is a devDependency: the oracle signature.spec.ts compares our verifier with, and the bench's baseline.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { productionFiles, repoRoot } from './production-files';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'|^\s*import\s*'([^']+)'|\b(?:import|require)\(\s*'([^']+)'/gm;

/** The package a module specifier names, or null for relative paths, node builtins and our own libs. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('@sso/')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  return builtinModules.includes(name) ? null : name;
}

describe('production imports', () => {
  it('name only packages the image installs (`dependencies`)', () => {
    const offenders: string[] = [];
    for (const f of ['apps', 'libs'].flatMap(productionFiles)) {
      for (const m of fs.readFileSync(path.join(repoRoot, f), 'utf8').matchAll(IMPORT)) {
        const name = packageOf(m[1] ?? m[2] ?? m[3]);
        if (name && !(name in pkg.dependencies)) offenders.push(`${f}: ${name}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('reads the package name of a specifier', () => {
    expect(packageOf('@node-saml/node-saml/lib/xml')).toBe('@node-saml/node-saml');
    expect(packageOf('xml-crypto')).toBe('xml-crypto');
    expect(packageOf('node:crypto')).toBeNull();
    expect(packageOf('crypto')).toBeNull();
    expect(packageOf('@sso/domain')).toBeNull();
    expect(packageOf('./signature')).toBeNull();
  });
});
