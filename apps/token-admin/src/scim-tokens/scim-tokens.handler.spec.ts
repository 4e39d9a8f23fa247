import { describe, expect, it } from 'vitest';
import { TeamAccess } from '@sso/auth';
import { DomainError, FakeClock, newTeamId, newUserId, newUserRecord } from '@sso/domain';
import { memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { ScimTokensHandler } from './scim-tokens.handler';

describe('ScimTokensHandler: the token limit under concurrency', () => {
  it('never lets creations that all passed the first count take the team past the limit', async () => {
    const clock = new FakeClock();
    const identity = memoryIdentityStores(clock);
    const spar = memorySparStores(clock);
    const team = newTeamId();
    const owner = newUserId();
    await identity.teams.createTeam({ id: team, name: 'T', creator: owner, deleted: false });
    await identity.users.put(newUserRecord({ id: owner, team, name: 'Owner' }));
    await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    const limit = 8;
    const handler = new ScimTokensHandler(spar, identity, new TeamAccess(identity.teams), clock, limit);
    const create = () => handler.create(owner, { description: 'd' }, 8);
    for (let i = 0; i < 6; i++) await create();

    // The worst interleaving: every creation counts before any of them inserts.
    const racers = 5;
    let counted = 0;
    let release!: () => void;
    const allCounted = new Promise<void>((r) => (release = r));
    const tokens = spar.scimTokens;
    const count = tokens.countByTeam.bind(tokens);
    const insert = tokens.insert.bind(tokens);
    tokens.countByTeam = async (t) => {
      const n = await count(t);
      if (++counted === racers) release();
      return n;
    };
    tokens.insert = async (rec) => {
      await allCounted;
      return insert(rec);
    };
    const results = await Promise.allSettled(Array.from({ length: racers }, create));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.every((e) => e instanceof DomainError && e.code === 'token-limit-reached')).toBe(true);
    const left = await count(team);
    expect(left).toBeLessThanOrEqual(limit);
    expect(left).toBe(6 + results.filter((r) => r.status === 'fulfilled').length);
  });
});
