import { FakeClock, newTeamId } from '@sso/domain';
import { IdpLookupCache, memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { ScimError } from '@sso/scim';
import { describe, expect, it, vi } from 'vitest';
import { UserClaims } from './user-claims';
import { testIdp, testToken } from '../../test/users-fixture';

// The token's IdP is read through the persistence root's IdP lookup cache (docs/decisions.md,
// "The IdP and validateSAMLemails of a SCIM write from the lookup cache"): within
// `saml.idpCacheSeconds` a create or update reads no `idp` row; a change made by another instance
// shows once the bound has passed, one made through this instance's stores at once.

function setup() {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00.000Z'));
  const spar = memorySparStores(clock);
  const identity = memoryIdentityStores(clock);
  const store = spar.idps; // what another instance writes
  const cache = new IdpLookupCache(store, clock, 5); // this instance's root
  const reads = vi.spyOn(store, 'get');
  const claims = new UserClaims({ ...spar, idps: cache }, identity, { richInfoLimit: 5000 }, cache.forLogin);
  const team = newTeamId();
  const idp = testIdp(team, 'https://idp.example.com/a');
  const token = testToken(team, clock, idp.id);
  return { clock, store, cache, reads, claims, idp, token };
}

describe("UserClaims: the token's IdP from the lookup cache", () => {
  it('reads the IdP once per bound, then again', async () => {
    const s = setup();
    await s.store.insert(s.idp);
    for (const eid of ['a@example.com', 'b@example.com', 'c@example.com'])
      expect((await s.claims.identityOf(s.token, eid)).saml?.issuer).toBe('https://idp.example.com/a');
    expect(s.reads).toHaveBeenCalledTimes(1);
    s.clock.advance(5_000);
    await s.claims.identityOf(s.token, 'd@example.com');
    expect(s.reads).toHaveBeenCalledTimes(2);
  });

  it("another instance's issuer change or delete shows once the bound has passed", async () => {
    const s = setup();
    await s.store.insert(s.idp);
    await s.claims.identityOf(s.token, 'a@example.com');
    await s.store.update({ ...s.idp, issuer: 'https://idp.example.com/b', oldIssuers: [s.idp.issuer] });
    s.clock.advance(4_999);
    expect((await s.claims.identityOf(s.token, 'a@example.com')).saml?.issuer).toBe('https://idp.example.com/a');
    s.clock.advance(1);
    expect((await s.claims.identityOf(s.token, 'a@example.com')).saml?.issuer).toBe('https://idp.example.com/b');
    await s.store.delete(s.idp.id);
    s.clock.advance(5_000);
    const err = await s.claims.identityOf(s.token, 'a@example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).code).toBe('bad-request');
  });

  it("a write through this instance's stores empties the cache at once", async () => {
    const s = setup();
    await s.store.insert(s.idp);
    await s.claims.identityOf(s.token, 'a@example.com');
    await s.cache.update({ ...s.idp, issuer: 'https://idp.example.com/b', oldIssuers: [s.idp.issuer] });
    expect((await s.claims.identityOf(s.token, 'a@example.com')).saml?.issuer).toBe('https://idp.example.com/b');
    await s.cache.delete(s.idp.id);
    await expect(s.claims.identityOf(s.token, 'a@example.com')).rejects.toBeInstanceOf(ScimError);
  });

  it('never keeps a missing IdP: one created elsewhere is usable at once', async () => {
    const s = setup();
    await expect(s.claims.identityOf(s.token, 'a@example.com')).rejects.toBeInstanceOf(ScimError);
    await s.store.insert(s.idp);
    expect((await s.claims.identityOf(s.token, 'a@example.com')).saml?.issuer).toBe(s.idp.issuer);
  });

  it('a token without an IdP reads nothing', async () => {
    const s = setup();
    expect(await s.claims.identityOf({ ...s.token, idp: null }, 'a@example.com')).toEqual({ saml: null, ssoId: expect.any(String) });
    expect(s.reads).not.toHaveBeenCalled();
  });
});
