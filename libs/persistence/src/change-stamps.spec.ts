import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { type TeamId, type User, type UserId, systemClock, teamId, userId } from '@sso/domain';
import {
  MemoryChangeStamps,
  STAMPED,
  StampWriter,
  UNSTAMPED,
  countStampKey,
  freshStamp,
  groupStampKey,
  stampChain,
  swapsOf,
  userStampKey,
  withChangeStamps,
} from './change-stamps';
import { memorySparStores } from './memory';
import { memoryIdentityStores } from './memory/identity-stores';
import { MemoryScimGroupStore } from './memory/scim-group-store';
import { MemoryScimUserDocStore } from './memory/scim-user-doc-store';
import { MemoryTeamCountStore } from './memory/team-count-store';
import { openStores } from './root';

/** Every method an object answers to (own and inherited), as a caller of the port sees them. */
function methodsOf(o: object): string[] {
  const out = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) {
      if (n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function') out.add(n);
    }
  }
  return [...out].sort();
}

function twins() {
  const identity = memoryIdentityStores(systemClock);
  return {
    users: identity.users,
    teams: identity.teams,
    scimUserDocs: new MemoryScimUserDocStore(),
    scimUserTimes: memorySparStores(systemClock).scimUserTimes,
    scimGroups: new MemoryScimGroupStore(),
    teamCounts: new MemoryTeamCountStore(systemClock),
  };
}

const team: TeamId = teamId(randomUUID());
const uid: UserId = userId(randomUUID());
const other: UserId = userId(randomUUID());
const gid = randomUUID();
const now = new Date('2026-12-04T12:00:00Z');
const aUser: User = {
  id: uid,
  team,
  name: 'A',
  handle: 'a',
  email: null,
  emailUnvalidated: null,
  language: null,
  country: null,
  status: 'active',
  managedBy: 'scim',
  ssoId: null,
  passwordHash: null,
  activated: true,
};
const group = {
  team,
  id: gid,
  displayName: 'G',
  externalId: null,
  created: now,
  lastModified: now,
  version: 'v1',
  membersVersion: 'm1',
  membersModified: now,
};
const doc = { uid, doc: '{}', version: 'v1' };

/** One call of each stamped method and the stamps it must replace. */
const calls: Record<keyof typeof STAMPED, Record<string, { args: unknown[]; keys: string[] }>> = {
  users: {
    put: { args: [aUser], keys: [userStampKey(uid)] },
    update: { args: [uid, { name: 'B' }], keys: [userStampKey(uid)] },
    updateWithRichInfo: { args: [uid, { name: 'C' }, '{"version":0,"fields":[]}'], keys: [userStampKey(uid)] },
    delete: { args: [uid], keys: [userStampKey(uid)] },
  },
  teams: {
    addMember: { args: [{ team, user: uid, role: 'member', invitedBy: null, invitedAt: null }], keys: [userStampKey(uid)] },
    setRole: { args: [team, uid, 'admin'], keys: [userStampKey(uid)] },
    removeMember: { args: [team, uid], keys: [userStampKey(uid)] },
    removeMemberOnce: { args: [team, uid], keys: [userStampKey(uid)] },
  },
  scimUserDocs: {
    create: { args: [doc], keys: [userStampKey(uid)] },
    insertNew: { args: [doc], keys: [userStampKey(uid)] },
    replace: { args: [{ ...doc, version: 'v2' }, 'v1'], keys: [userStampKey(uid)] },
    deleteIf: { args: [uid, 'v2'], keys: [userStampKey(uid)] },
    delete: { args: [uid], keys: [userStampKey(uid)] },
  },
  scimUserTimes: {
    put: { args: [{ uid, createdAt: now, lastUpdatedAt: now }], keys: [userStampKey(uid)] },
    putWithSamlUser: {
      args: [
        { uid, createdAt: now, lastUpdatedAt: now },
        { issuer: 'https://idp.example.com', normalizedNameId: 'a', ssoId: '<NameID>a</NameID>', uid },
      ],
      keys: [userStampKey(uid)],
    },
    touch: { args: [uid, now], keys: [userStampKey(uid)] },
    delete: { args: [uid], keys: [userStampKey(uid)] },
  },
  scimGroups: {
    create: {
      args: [
        group,
        [
          { user: uid, display: null },
          { user: other, display: null },
        ],
      ],
      keys: [userStampKey(uid), userStampKey(other)],
    },
    replace: {
      args: [team, gid, { displayName: 'H', externalId: null, version: 'v2', lastModified: now }, { version: 'v1' }, 'G'],
      keys: [groupStampKey(team, gid)],
    },
    addMembers: { args: [team, gid, [{ user: other, display: null }]], keys: [userStampKey(other)] },
    removeMembers: { args: [team, gid, [uid]], keys: [userStampKey(uid)] },
    delete: { args: [team, gid], keys: [groupStampKey(team, gid)] },
  },
  teamCounts: {
    add: { args: [team, 'users', 1], keys: [countStampKey(team, 'users')] },
    markDoubt: { args: [team, 'groups', now], keys: [countStampKey(team, 'groups')] },
    finish: { args: [team, 'users', 'lease', now], keys: [countStampKey(team, 'users')] },
  },
};

/** Private helpers of the memory twins (TypeScript `private`, not part of the port). */
const TWIN_PRIVATE: Partial<Record<keyof typeof STAMPED, string[]>> = { users: ['read'], teamCounts: ['row'] };

describe('change stamps on the writes of the SCIM user views inputs', () => {
  const ports = Object.keys(STAMPED) as Array<keyof typeof STAMPED>;

  it.each(ports)('every method of %s is either stamped or listed as not a view input (a new write method fails here)', (port) => {
    const all = methodsOf(twins()[port]).filter((m) => !(TWIN_PRIVATE[port] ?? []).includes(m));
    const classified = [...Object.keys(STAMPED[port]), ...Object.keys(UNSTAMPED[port])].sort();
    expect(all).toEqual(classified);
    // No method is in both lists, and every "read" is really named like one.
    for (const m of Object.keys(STAMPED[port])) expect(UNSTAMPED[port]).not.toHaveProperty(m);
  });

  it.each(ports)('each stamped method of %s, called through the decorated store, replaces exactly its stamps', async (port) => {
    const t = twins();
    const stamps = new MemoryChangeStamps();
    const s = withChangeStamps(
      {
        spar: { ...memorySparStores(systemClock), scimUserTimes: t.scimUserTimes },
        identity: { users: t.users, teams: t.teams, cookies: memoryIdentityStores(systemClock).cookies },
        scimUserDocs: t.scimUserDocs,
        scimGroups: t.scimGroups,
        teamCounts: t.teamCounts,
      },
      new StampWriter(stamps, () => {}),
    );
    const decorated: Record<string, unknown> = {
      users: s.identity.users,
      teams: s.identity.teams,
      scimUserDocs: s.scimUserDocs,
      scimUserTimes: s.spar.scimUserTimes,
      scimGroups: s.scimGroups,
      teamCounts: s.teamCounts,
    }[port] as unknown as Record<string, unknown>;
    expect(Object.keys(calls[port]).sort()).toEqual(Object.keys(STAMPED[port]).sort());
    for (const [method, c] of Object.entries(calls[port])) {
      const before = new Map(stamps.stamped);
      await (decorated[method] as (...a: unknown[]) => Promise<unknown>)(...c.args);
      const changed = [...stamps.stamped].filter(([k, n]) => (before.get(k) ?? 0) !== n).map(([k]) => k);
      expect(changed.sort(), `${port}.${method}`).toEqual([...c.keys].sort());
    }
    // Reads stamp nothing.
    const before = new Map(stamps.stamped);
    for (const m of Object.keys(UNSTAMPED[port]).filter((m) => UNSTAMPED[port][m] === 'read')) {
      await Promise.resolve((decorated[m] as (...a: unknown[]) => unknown)(uid, uid)).catch(() => undefined);
    }
    expect(stamps.stamped).toEqual(before);
  });

  it('stamps after a failed write too (it may have landed), and the write still fails with its own error', async () => {
    const stamps = new MemoryChangeStamps();
    const w = new StampWriter(stamps, () => {});
    await expect(
      w.after(['k'], async () => {
        throw new Error('timeout');
      }),
    ).rejects.toThrow('timeout');
    expect(stamps.stamped.get('k')).toBe(1);
  });

  it('stamps only once the write has settled', async () => {
    const stamps = new MemoryChangeStamps();
    const w = new StampWriter(stamps, () => {});
    let release!: () => void;
    const p = w.after(['k'], () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    expect(stamps.stamped.get('k')).toBeUndefined();
    release();
    await p;
    expect(stamps.stamped.get('k')).toBe(1);
  });

  it('a stamp that fails is retried once; when that fails too the failure is reported and the write still succeeds', async () => {
    const stamps = new MemoryChangeStamps();
    const onFailure = vi.fn();
    const w = new StampWriter(stamps, onFailure);
    const flaky = vi.spyOn(stamps, 'stamp').mockRejectedValueOnce(new Error('blip'));
    await expect(w.after(['k'], async () => 'ok')).resolves.toBe('ok');
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(onFailure).not.toHaveBeenCalled();
    expect(stamps.stamped.get('k')).toBe(1);

    stamps.failing = true;
    await expect(w.after(['k'], async () => 'still ok')).resolves.toBe('still ok');
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0]![0]).toEqual(['k']);
  });

  it('swapsOf: the promise a stamped write returned names the stamps it replaced; none when it could not stamp', async () => {
    const stamps = new MemoryChangeStamps();
    const w = new StampWriter(stamps, () => {});
    const before = (await stamps.current(['k']))!.get('k')!;
    const write = w.after(['k'], async () => 'done');
    expect(await write).toBe('done');
    const swaps = swapsOf(write)!;
    expect(swaps).toEqual([{ key: 'k', previous: before, next: (await stamps.current(['k']))!.get('k') }]);
    // A failed write still stamps (it may have landed) and names its swap.
    const failed = w.after(['k'], async () => {
      throw new Error('write failed');
    });
    await expect(failed).rejects.toThrow('write failed');
    expect(swapsOf(failed)![0]!.previous).toBe(swaps[0]!.next);
    stamps.failing = true;
    const unstamped = w.after(['k'], async () => 'ok');
    await unstamped;
    expect(swapsOf(unstamped)).toBeUndefined();
  });

  it('freshStamp: 32 hex digits, never the same twice', () => {
    const many = Array.from({ length: 10_000 }, () => freshStamp());
    expect(new Set(many).size).toBe(many.length);
    for (const s of many.slice(0, 10)) expect(s).toMatch(/^[0-9a-f]{32}$/);
  });

  describe('stampChain', () => {
    const sw = (previous: string | null, next: string, key = 'k') => ({ key, previous, next });
    it('follows swaps that replaced one another from the start, in any order, to the last value', () => {
      expect(stampChain('k', 's0', [sw('s0', 'a'), sw('a', 'b'), sw('b', 'c')])).toBe('c');
      expect(stampChain('k', 's0', [sw('b', 'c'), sw('s0', 'a'), sw('a', 'b')])).toBe('c');
      expect(stampChain('k', 's0', [sw('s0', 'a'), sw('x', 'y', 'other')])).toBe('a');
    });
    it('is null when anything else replaced the stamp in between, or nothing names the key', () => {
      // Another writer replaced a (a -> f), so the next swap replaced f, which is not in the chain.
      expect(stampChain('k', 's0', [sw('s0', 'a'), sw('f', 'b')])).toBeNull();
      // Another writer replaced the start before the first swap.
      expect(stampChain('k', 's0', [sw('f', 'a'), sw('a', 'b')])).toBeNull();
      expect(stampChain('k', 's0', [sw(null, 'a')])).toBeNull();
      expect(stampChain('k', 's0', [sw('s0', 'a'), sw('s0', 'b')])).toBeNull();
      expect(stampChain('k', 's0', [])).toBeNull();
      expect(stampChain('k', 's0', [sw('s0', 'a', 'other')])).toBeNull();
    });
  });

  it('the memory twin: a missing stamp is created once, a stamp is random and replaced by each write, failing reads are null', async () => {
    const s = new MemoryChangeStamps();
    const a = (await s.current(['x']))!.get('x');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect((await s.current(['x']))!.get('x')).toBe(a);
    await s.stamp(['x']);
    expect((await s.current(['x']))!.get('x')).not.toBe(a);
    s.failing = true;
    expect(await s.current(['x'])).toBeNull();
  });

  it('the root decorates the view inputs only when given stamps', async () => {
    const stamps = new MemoryChangeStamps();
    const opts = { backend: 'memory' as const, cassandra: {} as never, loginCacheSeconds: 0 };
    const plain = openStores(opts).stores;
    await plain.scimUserDocs.create(doc);
    expect(stamps.stamped.size).toBe(0);
    const root = openStores({ ...opts, changeStamps: { stamps, onFailure: () => {} } }).stores;
    await root.identity.users.put(aUser);
    await root.spar.scimUserTimes.touch(uid, now);
    await root.identity.teams.setRole(team, uid, 'admin');
    expect(stamps.stamped.get(userStampKey(uid))).toBe(3);
    // What is not a view input is left as it was.
    await root.identity.users.claimHandle('a', uid);
    expect(stamps.stamped.get(userStampKey(uid))).toBe(3);
  });
});
