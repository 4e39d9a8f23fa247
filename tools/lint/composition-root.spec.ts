// One composition root (docs/development.md, "Composition root"): outside persistence, production
// code never builds a store or a Cassandra client; it injects the tokens StoresModule binds.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { productionFiles, repoRoot } from './production-files';

const BUILDS_STORE = /\bnew (Cassandra\w*|Memory\w*Store)\b|\b(cassandra|memory)(Spar|Identity)Stores\(/;

describe('the composition root', () => {
  it('is the only place outside persistence that builds stores: apps, platform and tools inject them', () => {
    const offenders = ['apps', 'libs/platform', 'libs/auth', 'libs/saml', 'libs/scim', 'tools']
      .flatMap(productionFiles)
      .filter((f) => BUILDS_STORE.test(fs.readFileSync(path.join(repoRoot, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('notices a store built elsewhere', () => {
    expect(BUILDS_STORE.test('useFactory: (db: CassandraDb) => new CassandraScimGroupStore(db)')).toBe(true);
    expect(BUILDS_STORE.test('new TeamsHandler(cassandraIdentityStores(db, systemClock))')).toBe(true);
    expect(BUILDS_STORE.test('new MemoryScimUserDocStore()')).toBe(true);
    expect(BUILDS_STORE.test('inject: [SCIM_GROUPS]')).toBe(false);
  });
});
