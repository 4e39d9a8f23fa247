import { FakeClock, newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { memoryIdentityStores } from '../memory';
import { compareByToken, compareCookieKey, cookieKey, uuidToken } from '../memory/identity-tables';
import { KNOWN_TOKENS, cookieFixture, identityStoreContract } from './identity.contract';

identityStoreContract('in-memory twins', async () => {
  const clock = new FakeClock();
  return {
    stores: memoryIdentityStores(clock),
    now: () => clock.now(),
    elapse: async (seconds) => clock.advance(Math.round(seconds * 1000)),
  };
});

describe('identity twins: Cassandra orders and TTLs', () => {
  it('computes Murmur3 tokens of uuids as Cassandra does (values read from a live node)', () => {
    for (const [id, token] of KNOWN_TOKENS) expect(uuidToken(id)).toBe(token);
    const byToken = [...KNOWN_TOKENS].sort((x, y) => (x[1] < y[1] ? -1 : 1)).map(([id]) => id);
    expect([...byToken].reverse().sort(compareByToken)).toEqual(byToken);
  });

  it('orders cookie keys by expiry, then signed id', () => {
    const t = new Date(Date.UTC(2025, 0, 1));
    const later = new Date(t.getTime() + 1);
    expect(compareCookieKey(cookieKey(t, 2n ** 62n), cookieKey(later, -(2n ** 63n)))).toBeLessThan(0);
    expect(compareCookieKey(cookieKey(t, -1n), cookieKey(t, 0n))).toBeLessThan(0);
    expect(compareCookieKey(cookieKey(t, 9n), cookieKey(t, 10n))).toBeLessThan(0); // numeric, not text
    expect(compareCookieKey(cookieKey(t, 7n), cookieKey(t, 7n))).toBe(0);
  });

  it('keeps a cookie until the whole-second TTL that ends at its expiry runs out', async () => {
    const clock = new FakeClock();
    const { cookies } = memoryIdentityStores(clock);
    const user = newUserId();
    const c = cookieFixture(user, clock.now(), { expires: new Date(clock.now().getTime() + 1500) }); // TTL 2 s
    await cookies.insert(c);
    clock.advance(1999);
    expect(await cookies.get(user, c.expires, c.id)).toEqual(c);
    clock.advance(1);
    expect(await cookies.get(user, c.expires, c.id)).toBeNull();
    const past = cookieFixture(user, clock.now(), { expires: new Date(clock.now().getTime() - 60_000) }); // TTL at least 1 s
    await cookies.insert(past);
    expect(await cookies.listByUser(user)).toEqual([past]);
    clock.advance(1000);
    expect(await cookies.listByUser(user)).toEqual([]);
  });
});
