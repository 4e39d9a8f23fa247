import { describe, expect, it } from 'vitest';
import { type Clock, newUserId } from '@sso/domain';
import { openStores } from '@sso/persistence';
import { SessionService } from './sessions';
import { generateKeyEntry, keyRingFromEntries } from './signing-keys';
import { TokenService } from './tokens';

/** Sessions on the memory stores, with a clock the test moves. */
function sessions() {
  let now = new Date('2026-12-04T12:00:00.000Z');
  const clock: Clock = { now: () => now };
  const { stores } = openStores({ backend: 'memory', cassandra: { contactPoints: [] } as never, loginCacheSeconds: 0, clock });
  const tokens = new TokenService(keyRingFromEntries([generateKeyEntry('k1')]), clock, 900);
  const service = new SessionService(tokens, stores.identity.cookies, stores.identity.users, clock, {
    persistentCookieTtlSeconds: 86_400,
    sessionCookieTtlSeconds: 3_600,
  });
  const live = async (user: ReturnType<typeof newUserId>, label: string | null) =>
    (await stores.identity.cookies.listByUser(user)).filter((c) => c.label === label).length;
  return { service, live, tick: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('cookie labels (brig: one live cookie per user and label)', () => {
  it('a new cookie with a label revokes the older ones with that label, and no others', async () => {
    const { service, live, tick } = sessions();
    const user = newUserId();
    await service.startCookie(user, { persistent: true, label: 'phone' });
    await service.startCookie(user, { persistent: false, label: 'laptop' });
    await service.startCookie(user, { persistent: true });
    tick(1000);
    await service.startCookie(user, { persistent: true, label: 'phone' });
    expect(await live(user, 'phone')).toBe(1);
    expect(await live(user, 'laptop')).toBe(1);
    expect(await live(user, null)).toBe(1);
  });

  it('two logins with one label at the same moment leave one session, not none', async () => {
    const { service, live } = sessions();
    const user = newUserId();
    await Promise.all([
      service.startCookie(user, { persistent: true, label: 'phone' }),
      service.startCookie(user, { persistent: true, label: 'phone' }),
    ]);
    expect(await live(user, 'phone')).toBe(1);
  });
});
