// One composition root (docs/development.md, "Composition root"): outside persistence, production
// code never builds a store or a Cassandra client; it injects the tokens StoresModule binds.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const BUILDS_STORE = /\bnew (Cassandra\w*|Memory\w*Store)\b|\b(cassandra|memory)(Spar|Identity)Stores\(/;

function productionFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'test' ? [] : productionFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [rel] : [];
  });
}

describe('the composition root', () => {
  it('is the only place outside persistence that builds stores: apps, platform and tools inject them', () => {
    const offenders = ['apps', 'libs/platform', 'libs/auth', 'libs/saml', 'libs/scim', 'tools']
      .flatMap(productionFiles)
      .filter((f) => BUILDS_STORE.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('notices a store built elsewhere', () => {
    expect(BUILDS_STORE.test('useFactory: (db: CassandraDb) => new CassandraScimGroupStore(db)')).toBe(true);
    expect(BUILDS_STORE.test('new TeamsHandler(cassandraIdentityStores(db, systemClock))')).toBe(true);
    expect(BUILDS_STORE.test('new MemoryScimUserDocStore()')).toBe(true);
    expect(BUILDS_STORE.test('inject: [SCIM_GROUPS]')).toBe(false);
  });
});
