import { describe, expect, it } from 'vitest';
import { FakeClock, type IdpId, newIdpId } from '@sso/domain';
import { IdpLoginOptionsCache } from './idp-login-options-cache';
import { MemoryIdpLoginOptionsStore } from './memory/idp-login-options-store';

describe('IdpLoginOptionsCache', () => {
  it('keeps options (defaults included) for the TTL, and forgets them on a write through it', async () => {
    const clock = new FakeClock();
    const store = new MemoryIdpLoginOptionsStore();
    let reads = 0;
    const counting = Object.assign(Object.create(store) as MemoryIdpLoginOptionsStore, {
      get: (id: IdpId) => (reads++, store.get(id)),
    });
    const cache = new IdpLoginOptionsCache(counting, clock, 5);
    const idp = newIdpId();
    const defaults = { idpInitiated: false, ssoBinding: 'HTTP-POST', singleLogout: false };
    expect(await cache.forLogin.get(idp)).toEqual(defaults);
    expect(await cache.forLogin.get(idp)).toEqual(defaults);
    expect(reads).toBe(1);

    // A change made elsewhere shows after the TTL; one made through the cache at once.
    await store.setSsoBinding(idp, 'HTTP-Redirect');
    expect((await cache.forLogin.get(idp)).ssoBinding).toBe('HTTP-POST');
    clock.advance(5_000);
    expect((await cache.forLogin.get(idp)).ssoBinding).toBe('HTTP-Redirect');
    await cache.setIdpInitiated(idp, true);
    expect(await cache.forLogin.get(idp)).toEqual({ idpInitiated: true, ssoBinding: 'HTTP-Redirect', singleLogout: false });
    await cache.delete(idp);
    expect(await cache.forLogin.get(idp)).toEqual(defaults);

    // The store's own get is fresh (IdP management compares before it writes).
    await store.setSsoBinding(idp, 'HTTP-Redirect');
    expect((await cache.forLogin.get(idp)).ssoBinding).toBe('HTTP-POST');
    expect((await cache.get(idp)).ssoBinding).toBe('HTTP-Redirect');
  });
});
