import { describe, expect, it } from 'vitest';
import { ScimTokenVerifier, TeamAccess, hashScimToken } from '@sso/auth';
import { DomainError, FakeClock, newTeamId, newUserId, newUserRecord } from '@sso/domain';
import { MemoryScimTokenLifecycleStore, ScimTokenAuthCache, memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { ScimTokensHandler } from './scim-tokens.handler';

const DAY = 86_400_000;

async function setup(limit = 8) {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  const identity = memoryIdentityStores(clock);
  const spar = memorySparStores(clock);
  const lifecycle = new MemoryScimTokenLifecycleStore();
  const team = newTeamId();
  const owner = newUserId();
  await identity.teams.createTeam({ id: team, name: 'T', creator: owner, deleted: false });
  await identity.users.put(newUserRecord({ id: owner, team, name: 'Owner' }));
  await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
  const handler = new ScimTokensHandler(spar, identity, new TeamAccess(identity.teams), clock, limit, lifecycle, {
    maxLifetimeDays: 365,
    expiryWarningDays: 14,
  });
  // scim-api's view of the same tables, uncached, as another process would see them.
  const scim = new ScimTokenVerifier(new ScimTokenAuthCache(spar.scimTokens, lifecycle, clock, 0).forAuth, spar.scimTokens, clock);
  return { clock, spar, lifecycle, team, owner, handler, scim };
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
};

describe('ScimTokensHandler: the token limit under concurrency', () => {
  it('never lets creations that all passed the first count take the team past the limit', async () => {
    const limit = 8;
    const { spar, team, owner, handler } = await setup(limit);
    const create = () => handler.create(owner, { description: 'd' }, 8);
    for (let i = 0; i < 6; i++) await create();

    // The worst interleaving: every creation counts before any of them inserts.
    const racers = 5;
    let counted = 0;
    let release!: () => void;
    const allCounted = new Promise<void>((r) => (release = r));
    const tokens = spar.scimTokens;
    const list = tokens.listByTeam.bind(tokens);
    const insert = tokens.insert.bind(tokens);
    let inserting = false;
    tokens.listByTeam = async (t) => {
      const n = await list(t);
      if (!inserting && ++counted === racers) release();
      return n;
    };
    tokens.insert = async (rec) => {
      await allCounted;
      inserting = true;
      return insert(rec);
    };
    const results = await Promise.allSettled(Array.from({ length: racers }, create));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.every((e) => e instanceof DomainError && e.code === 'token-limit-reached')).toBe(true);
    const left = (await list(team)).length;
    expect(left).toBeLessThanOrEqual(limit);
    expect(left).toBe(6 + results.filter((r) => r.status === 'fulfilled').length);
  });
});

describe('ScimTokensHandler: expiry on creation', () => {
  it('stores an expiry given as expires_at or expires_in, and scim-api refuses the token from that instant (fake clock)', async () => {
    const { clock, owner, handler, scim } = await setup();
    const a = await handler.create(owner, { description: 'a', expires_at: '2026-12-05T10:00:00+01:00' }, 8);
    expect(a.info.expires_at).toBe('2026-12-05T09:00:00.000Z');
    const b = await handler.create(owner, { description: 'b', expires_in: 3600 }, 8);
    expect(b.info.expires_at).toBe('2026-12-04T11:00:00.000Z');
    const c = await handler.create(owner, { description: 'c' }, 8);
    expect(c.info.expires_at).toBeNull();
    expect((await scim.check(b.token)).ok).toBe(true);
    clock.advance(3_600_000);
    expect(await scim.check(b.token)).toEqual({ ok: false, reason: 'expired' });
    expect((await scim.check(a.token)).ok).toBe(true);
    clock.advance(365 * DAY);
    expect(await scim.check(a.token)).toEqual({ ok: false, reason: 'expired' });
    expect((await scim.check(c.token)).ok).toBe(true);
  });

  it.each([
    [{ expires_at: '2026-12-04T09:59:59Z' }, 'expires_at: must be in the future'],
    [{ expires_at: '2026-12-04T10:00:00Z' }, 'expires_at: must be in the future'],
    [{ expires_at: '2027-12-04T10:00:01Z' }, 'expires_at: at most 365 days from now'],
    [{ expires_at: '2027-01-01' }, 'expires_at: not an ISO 8601 date-time with a time zone'],
    [{ expires_at: '2027-01-01T00:00:00' }, 'expires_at: not an ISO 8601 date-time with a time zone'],
    [{ expires_at: 'tomorrow' }, 'expires_at: not an ISO 8601 date-time with a time zone'],
    [{ expires_at: '2027-02-30T00:00:00Z' }, 'expires_at: not an ISO 8601 date-time with a time zone'],
    [{ expires_in: 0 }, 'expires_in: a whole number of seconds, at least 1'],
    [{ expires_in: -5 }, 'expires_in: a whole number of seconds, at least 1'],
    [{ expires_in: 1.5 }, 'expires_in: a whole number of seconds, at least 1'],
    [{ expires_in: 365 * 86_400 + 1 }, 'expires_in: at most 31536000 seconds (365 days)'],
    [{ expires_in: 60, expires_at: '2027-01-01T00:00:00Z' }, 'Give expires_at or expires_in, not both'],
  ])('refuses %j with 400 bad-request and writes nothing', async (body, message) => {
    const { spar, team, owner, handler } = await setup();
    const e = await refusal(handler.create(owner, { description: 'd', ...body }, 8));
    expect(e.code).toBe('bad-request');
    expect(e.message).toContain(message);
    expect(await spar.scimTokens.listByTeam(team)).toEqual([]);
  });

  it('accepts the longest lifetime exactly', async () => {
    const { owner, handler } = await setup();
    const r = await handler.create(owner, { description: 'd', expires_in: 365 * 86_400 }, 8);
    expect(r.info.expires_at).toBe('2027-12-04T10:00:00.000Z');
  });
});

describe('ScimTokensHandler: the token list', () => {
  it("keeps spar's fields and adds exactly the documented ones", async () => {
    const { owner, handler } = await setup();
    await handler.create(owner, { description: 'd', name: 'n' }, 8);
    const [info] = await handler.list(owner);
    expect(Object.keys(info!).sort()).toEqual(
      [
        'id',
        'team',
        'created_at',
        'idp',
        'description',
        'name',
        'expires_at',
        'last_used',
        'expired',
        'expires_soon',
        'rotated_from',
        'replaced_by',
      ].sort(),
    );
    expect(info).toMatchObject({ description: 'd', name: 'n', expires_at: null, last_used: null, expired: false, expires_soon: false });
  });

  it('warns of an expiry within the warning days, then says expired; shows last_used', async () => {
    const { clock, lifecycle, owner, handler } = await setup();
    const { token } = await handler.create(owner, { description: 'd', expires_in: 20 * 86_400 }, 8);
    const state = async () => {
      const [t] = await handler.list(owner);
      return [t!.expires_soon, t!.expired];
    };
    expect(await state()).toEqual([false, false]);
    clock.advance(6 * DAY);
    expect(await state()).toEqual([true, false]);
    clock.advance(14 * DAY - 1);
    expect(await state()).toEqual([true, false]);
    clock.advance(1);
    expect(await state()).toEqual([false, true]);
    await lifecycle.touch(hashScimToken(token), new Date('2026-12-10T08:30:00Z'));
    expect((await handler.list(owner))[0]!.last_used).toBe('2026-12-10T08:30:00.000Z');
  });
});

describe('ScimTokensHandler: rotation', () => {
  it('makes a token for the same binding; both work until the old one is deleted', async () => {
    const { clock, owner, handler, scim, spar, lifecycle } = await setup();
    const old = await handler.create(owner, { description: 'Entra', name: 'entra' }, 8);
    clock.advance(1_000);
    const next = await handler.rotate(owner, old.info.id, {});
    expect(next.token).not.toBe(old.token);
    expect(next.info).toMatchObject({
      description: 'Entra',
      name: 'entra',
      idp: old.info.idp,
      rotated_from: old.info.id,
      expires_at: null,
    });
    expect(next.info.id).not.toBe(old.info.id);
    expect((await scim.check(old.token)).ok).toBe(true);
    expect((await scim.check(next.token)).ok).toBe(true);
    const list = await handler.list(owner);
    expect(list.map((t) => [t.id, t.rotated_from, t.replaced_by])).toEqual([
      [old.info.id, null, next.info.id],
      [next.info.id, old.info.id, null],
    ]);
    await handler.delete(owner, old.info.id);
    expect(await scim.check(old.token)).toEqual({ ok: false, reason: 'invalid' });
    expect((await scim.check(next.token)).ok).toBe(true);
    expect(await lifecycle.get(hashScimToken(old.token))).toBeNull();
    expect((await spar.scimTokens.listByTeam(old.info.team as never)).map((t) => t.id)).toEqual([next.info.id]);
    // The old one gone, the new one can be rotated in turn.
    expect((await handler.rotate(owner, next.info.id, {})).info.rotated_from).toBe(next.info.id);
  });

  it('the old token dies at its expiry while the new one lives on; the new one inherits the lifetime', async () => {
    const { clock, owner, handler, scim } = await setup();
    const old = await handler.create(owner, { description: 'd', expires_in: 30 * 86_400 }, 8);
    clock.advance(29 * DAY);
    const next = await handler.rotate(owner, old.info.id, {});
    expect(next.info.expires_at).toBe(new Date(clock.now().getTime() + 30 * DAY).toISOString());
    clock.advance(DAY);
    expect(await scim.check(old.token)).toEqual({ ok: false, reason: 'expired' });
    expect((await scim.check(next.token)).ok).toBe(true);
    const given = await handler.rotate(owner, next.info.id, { expires_in: 86_400 }).catch((e: DomainError) => e);
    // The expired predecessor still exists, so this binding is still in rotation.
    expect((given as DomainError).code).toBe('rotation-in-progress');
  });

  it('an expiry given on rotate wins, and is validated like on create', async () => {
    const { owner, handler } = await setup();
    const old = await handler.create(owner, { description: 'd' }, 8);
    expect((await refusal(handler.rotate(owner, old.info.id, { expires_in: 0 }))).code).toBe('bad-request');
    const next = await handler.rotate(owner, old.info.id, { expires_in: 7 * 86_400 });
    expect(next.info.expires_at).toBe('2026-12-11T10:00:00.000Z');
    expect(next.info.expires_soon).toBe(true);
  });

  it('refuses a second rotation of one token, and rotating the new token while the old one lives (409)', async () => {
    const { owner, handler } = await setup();
    const old = await handler.create(owner, { description: 'd' }, 8);
    const next = await handler.rotate(owner, old.info.id, {});
    const again = await refusal(handler.rotate(owner, old.info.id, {}));
    expect([again.code, again.message]).toEqual(['rotation-in-progress', expect.stringContaining('already rotated')]);
    const chained = await refusal(handler.rotate(owner, next.info.id, {}));
    expect([chained.code, chained.message]).toEqual(['rotation-in-progress', expect.stringContaining('replaced still exists')]);
    expect(await handler.list(owner)).toHaveLength(2);
  });

  it('is 404 for a token of another team, an unknown id and a non-uuid', async () => {
    const a = await setup();
    const b = await setup();
    const theirs = await b.handler.create(b.owner, { description: 'd' }, 8);
    for (const id of [theirs.info.id, '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', 'not-a-uuid']) {
      expect((await refusal(a.handler.rotate(a.owner, id, {}))).code).toBe('not-found');
    }
  });

  it('works at the token limit, and a binding in rotation counts once', async () => {
    const limit = 3;
    const { owner, handler } = await setup(limit);
    const tokens = [];
    for (let i = 0; i < limit; i++) tokens.push(await handler.create(owner, { description: `t${i}` }, 8));
    expect((await refusal(handler.create(owner, { description: 'x' }, 8))).code).toBe('token-limit-reached');
    // Rotation is what an admin does when a token leaked: it must not need a free slot.
    const next = await handler.rotate(owner, tokens[0]!.info.id, {});
    expect(await handler.list(owner)).toHaveLength(limit + 1);
    expect((await refusal(handler.create(owner, { description: 'x' }, 8))).code).toBe('token-limit-reached');
    // Deleting the new token makes the old one count again: still full.
    await handler.delete(owner, next.info.id);
    expect((await refusal(handler.create(owner, { description: 'x' }, 8))).code).toBe('token-limit-reached');
    // Rotate every token: at most twice the limit rows, never more.
    for (const t of tokens) await handler.rotate(owner, t.info.id, {});
    expect(await handler.list(owner)).toHaveLength(2 * limit);
    for (const t of tokens) expect((await refusal(handler.rotate(owner, t.info.id, {}))).code).toBe('rotation-in-progress');
    await handler.delete(owner, tokens[0]!.info.id);
    expect((await refusal(handler.create(owner, { description: 'x' }, 8))).code).toBe('token-limit-reached');
  });

  it('of concurrent rotations of one token, at most one stays', async () => {
    const { spar, owner, handler, team } = await setup();
    const old = await handler.create(owner, { description: 'd' }, 8);
    // Every rotation reads the team before any of them writes.
    const racers = 4;
    let waiting = 0;
    let release!: () => void;
    const allRead = new Promise<void>((r) => (release = r));
    const insert = spar.scimTokens.insert.bind(spar.scimTokens);
    spar.scimTokens.insert = async (rec) => {
      if (++waiting === racers) release();
      await allRead;
      return insert(rec);
    };
    const results = await Promise.allSettled(Array.from({ length: racers }, () => handler.rotate(owner, old.info.id, {})));
    for (const r of results) if (r.status === 'rejected') expect((r.reason as DomainError).code).toBe('rotation-in-progress');
    const successors = (await spar.scimTokens.listByTeam(team)).filter((t) => t.id !== old.info.id);
    expect(successors.length).toBeLessThanOrEqual(1);
    expect(successors.length).toBe(results.filter((r) => r.status === 'fulfilled').length);
  });
});
