import { describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { FakeClock, newTeamId } from '@sso/domain';
import { IdpLoginOptionsCache } from './idp-login-options-cache';
import { IdpLookupCache } from './idp-lookup-cache';
import { openStores } from './root';
import { testIdpRecord } from './testing/fixtures';

const cassandra = loadConfig({ env: {} }).cassandra;
const idpRecord = () => testIdpRecord();

describe('openStores on the memory backend', () => {
  it('has no connection, and connect, ping and close succeed', async () => {
    const root = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 5 });
    expect(root).toMatchObject({ backend: 'memory', db: null });
    await root.connect();
    await root.ping();
    await root.close();
  });

  it('puts the login caches in front of the IdP records and options, and the writes of the app empty them', async () => {
    const clock = new FakeClock();
    const { stores } = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 5, clock });
    expect(stores.spar.idps).toBeInstanceOf(IdpLookupCache);
    expect(stores.idpLoginOptions).toBeInstanceOf(IdpLoginOptionsCache);
    const rec = idpRecord();
    await stores.spar.idps.insert(rec);
    expect(await stores.loginLookups.idps.get(rec.id)).toEqual(rec);
    await stores.spar.idps.delete(rec.id);
    expect(await stores.loginLookups.idps.get(rec.id)).toBeNull(); // emptied by the write, not aged out
  });

  it("caches a team's validateSAMLemails status for the bound, and the app's feature writes empty it", async () => {
    const clock = new FakeClock();
    const { stores } = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 5, clock });
    const team = newTeamId();
    expect(await stores.loginLookups.teamFeatures.validateSamlEmailsStatus(team)).toBeNull();
    await stores.identity.teams.setValidateSamlEmailsStatus(team, 'enabled');
    expect(await stores.loginLookups.teamFeatures.validateSamlEmailsStatus(team)).toBe('enabled'); // emptied, not aged out
  });

  it('without a cache (programs that run no logins), the login views are the stores themselves', () => {
    const { stores } = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 0 });
    expect(stores.loginLookups.idps).toBe(stores.spar.idps);
    expect(stores.loginLookups.options).toBe(stores.idpLoginOptions);
    expect(stores.loginLookups.teamFeatures).toBe(stores.identity.teams);
    expect(stores.spar.idps).not.toBeInstanceOf(IdpLookupCache);
  });

  it('gives every root twins of its own: two roots share no data', async () => {
    const a = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 0 });
    const b = openStores({ backend: 'memory', cassandra, loginCacheSeconds: 0 });
    const rec = idpRecord();
    await a.stores.spar.idps.insert(rec);
    expect(await b.stores.spar.idps.get(rec.id)).toBeNull();
  });
});
