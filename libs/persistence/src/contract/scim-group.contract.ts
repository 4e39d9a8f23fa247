import { randomUUID } from 'node:crypto';
import { type TeamId, type UserId, newTeamId, newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import type { ScimGroupRecord, ScimGroupStore } from '../ports/scim-group-store';
import { concurrently } from './env.contract';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 8, 0, s));

function group(team: TeamId, over: Partial<ScimGroupRecord> = {}): ScimGroupRecord {
  return {
    team,
    id: randomUUID(),
    displayName: `Group ${randomUUID().slice(0, 8)}`,
    externalId: null,
    created: at(0),
    lastModified: at(0),
    version: 'v1',
    membersVersion: 'm1',
    membersModified: at(0),
    ...over,
  };
}

const sortedUsers = (ms: Array<{ user: UserId }>) => ms.map((m) => m.user).sort();

/** The contract of `ScimGroupStore`, run against the Cassandra adapter and the twin. */
export function scimGroupContract(name: string, store: () => ScimGroupStore): void {
  describe(`ScimGroupStore (scim_group*): ${name}`, () => {
    it('creates a group with members and reads it back, its members and the reverse rows', async () => {
      const s = store();
      const team = newTeamId();
      const [a, b] = [newUserId(), newUserId()];
      const g = group(team, { externalId: 'ext-1' });
      await s.create(g, [
        { user: a, display: 'Alice' },
        { user: b, display: null },
      ]);
      expect(await s.get(team, g.id)).toEqual(g);
      expect(await s.get(team, g.id.toUpperCase())).toEqual(g);
      expect(await s.get(newTeamId(), g.id)).toBeNull();
      expect(sortedUsers(await s.members(team, g.id))).toEqual([a, b].sort());
      expect((await s.members(team, g.id)).find((m) => m.user === a)?.display).toBe('Alice');
      expect(await s.groupsOf(team, a)).toEqual([g.id]);
      expect(await s.groupsOf(newTeamId(), a)).toEqual([]);
    });

    it('finds groups by displayName ignoring case, several per name', async () => {
      const s = store();
      const team = newTeamId();
      const name = `Sales ${randomUUID()}`;
      const [g1, g2] = [group(team, { displayName: name }), group(team, { displayName: name.toUpperCase() })];
      await s.create(g1, []);
      await s.create(g2, []);
      expect((await s.idsByName(team, name.toLowerCase())).sort()).toEqual([g1.id, g2.id].sort());
      expect(await s.idsByName(newTeamId(), name)).toEqual([]);
    });

    it('replaces only on the expected version, moves the name key, and checks the members version when asked', async () => {
      const s = store();
      const team = newTeamId();
      const g = group(team);
      await s.create(g, []);
      const change = { displayName: 'Renamed', externalId: 'e2', version: 'v2', lastModified: at(5) };
      expect(await s.replace(team, g.id, change, { version: 'v0' }, g.displayName)).toEqual({ ok: false });
      expect(await s.idsByName(team, 'renamed')).toEqual([]);
      expect(await s.replace(team, g.id, change, { version: 'v1', membersVersion: 'other' }, g.displayName)).toEqual({ ok: false });
      expect(await s.replace(team, g.id, change, { version: 'v1', membersVersion: 'm1' }, g.displayName)).toEqual({ ok: true });
      expect(await s.get(team, g.id)).toMatchObject({ displayName: 'Renamed', externalId: 'e2', version: 'v2', lastModified: at(5) });
      expect(await s.idsByName(team, 'renamed')).toEqual([g.id]);
      expect(await s.idsByName(team, g.displayName)).toEqual([]);
      expect(await s.replace(team, randomUUID(), change, { version: 'v2' }, 'x')).toEqual({ ok: false });
    });

    it('of 10 concurrent replaces from one version exactly one wins', async () => {
      const s = store();
      const team = newTeamId();
      const g = group(team);
      await s.create(g, []);
      const results = await concurrently(10, (i) =>
        s.replace(
          team,
          g.id,
          { displayName: `n${i}`, externalId: null, version: `w${i}`, lastModified: at(i) },
          { version: 'v1' },
          g.displayName,
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('adds and removes members row by row: concurrent additions all land, absent removals are no-ops', async () => {
      const s = store();
      const team = newTeamId();
      const g = group(team);
      await s.create(g, []);
      const users = Array.from({ length: 20 }, () => newUserId());
      await concurrently(20, (i) => s.addMembers(team, g.id, [{ user: users[i]!, display: null }]));
      expect(sortedUsers(await s.members(team, g.id))).toEqual([...users].sort());
      await s.addMembers(team, g.id, [{ user: users[0]!, display: 'again' }]);
      await s.removeMembers(team, g.id, [users[1]!, newUserId()]);
      expect(await s.members(team, g.id)).toHaveLength(19);
      expect(await s.groupsOf(team, users[1]!)).toEqual([]);
      await s.touchMembers(team, g.id, 'm2', at(9));
      expect(await s.get(team, g.id)).toMatchObject({ membersVersion: 'm2', membersModified: at(9), version: 'v1' });
    });

    it('lists a team in pages, in a stable order; getMany reads several', async () => {
      const s = store();
      const team = newTeamId();
      const gs = Array.from({ length: 5 }, () => group(team));
      for (const g of gs) await s.create(g, []);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await s.list(team, { limit: 2, cursor });
        seen.push(...page.items.map((g) => g.id));
        cursor = page.cursor;
      } while (cursor !== null);
      expect([...seen].sort()).toEqual(gs.map((g) => g.id).sort());
      expect((await s.list(team, { limit: 10 })).items.map((g) => g.id)).toEqual(seen);
      const some = await s.getMany(team, [gs[0]!.id, gs[3]!.id, randomUUID()]);
      expect(some.map((g) => g.id).sort()).toEqual([gs[0]!.id, gs[3]!.id].sort());
    });

    it('deletes the group, its name key, its members and their reverse rows; a member touch after it leaves nothing visible', async () => {
      const s = store();
      const team = newTeamId();
      const u = newUserId();
      const g = group(team);
      const other = group(team);
      await s.create(g, [{ user: u, display: null }]);
      await s.create(other, [{ user: u, display: null }]);
      expect(await s.delete(team, g.id)).toBe(true);
      // Only the call that removed the row says so (the group count is decremented on it).
      expect(await s.delete(team, g.id)).toBe(false);
      expect(await s.get(team, g.id)).toBeNull();
      expect(await s.members(team, g.id)).toEqual([]);
      expect(await s.groupsOf(team, u)).toEqual([other.id]);
      expect(await s.idsByName(team, g.displayName)).toEqual([]);
      await s.touchMembers(team, g.id, 'late', at(3));
      expect(await s.get(team, g.id)).toBeNull();
      expect((await s.list(team, {})).items.map((x) => x.id)).toEqual([other.id]);
      expect(await s.delete(team, randomUUID())).toBe(false);
      const raced = await Promise.all([0, 1, 2, 3].map(() => s.delete(team, other.id)));
      expect(raced.filter(Boolean)).toHaveLength(1);
    });
  });
}
