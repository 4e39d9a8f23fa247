import { describe, expect, it } from 'vitest';
import { FakeClock, newIdpId } from '@sso/domain';
import { IdpLoginOptionsCache } from './idp-login-options-cache';
import { MemoryIdpLoginOptionsStore } from './memory/idp-login-options-store';

describe('IdpLoginOptionsCache', () => {
  it('keeps options (defaults included) for the TTL, and forgets them on a write through it', async () => {
    const clock = new FakeClock();
    const store = new MemoryIdpLoginOptionsStore();
    let reads = 0;
    const counting = Object.assign(Object.create(store) as MemoryIdpLoginOptionsStore, {
      ssoBinding: (id: ReturnType<typeof newIdpId>) => (reads++, store.ssoBinding(id)),
      allowsIdpInitiated: (id: ReturnType<typeof newIdpId>) => (reads++, store.allowsIdpInitiated(id)),
    });
    const cache = new IdpLoginOptionsCache(counting, clock, 5);
    const idp = newIdpId();
    expect(await cache.ssoBinding(idp)).toBe('HTTP-POST');
    expect(await cache.ssoBinding(idp)).toBe('HTTP-POST');
    expect(await cache.allowsIdpInitiated(idp)).toBe(false);
    expect(reads).toBe(2);

    // A change made elsewhere shows after the TTL; one made through the cache at once.
    await store.setSsoBinding(idp, 'HTTP-Redirect');
    expect(await cache.ssoBinding(idp)).toBe('HTTP-POST');
    clock.advance(5_000);
    expect(await cache.ssoBinding(idp)).toBe('HTTP-Redirect');
    await cache.setIdpInitiated(idp, true);
    expect(await cache.allowsIdpInitiated(idp)).toBe(true);
    await cache.delete(idp);
    expect(await cache.ssoBinding(idp)).toBe('HTTP-POST');
    expect(await cache.allowsIdpInitiated(idp)).toBe(false);
  });
});
