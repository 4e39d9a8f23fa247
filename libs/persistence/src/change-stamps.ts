import { randomBytes } from 'node:crypto';
import type { TeamId, UserId } from '@sso/domain';
import type { IdentityStores, TeamStore, UserStore } from './ports/identity-stores';
import type { ScimGroupStore } from './ports/scim-group-store';
import type { ScimUserDocStore } from './ports/scim-user-doc-store';
import type { ScimUserTimesStore } from './ports/scim-user-times-store';
import type { CountedKind, TeamCountStore } from './ports/team-count-store';
import type { SparStores } from './ports/stores';

/**
 * Change stamps (docs/decisions.md, "Validated SCIM user cache"): one random value per input of
 * a cached view, kept in Redis and shared by every replica. A writer replaces the stamps of what
 * it wrote once the write has settled; a reader reads the current stamps before it reads
 * Cassandra, and an in-process entry is served only while the stamps it was filled under are
 * still the current ones.
 */
export interface ChangeStamps {
  /**
   * Replaces the stamps of `keys` by fresh random values, each key atomically, and says what each
   * replaced (null: none was set). Rejects when that could not be done.
   */
  stamp(keys: readonly string[]): Promise<StampSwap[]>;
  /** The current stamps of `keys` (a missing one is created), or null when they cannot be read. */
  current(keys: readonly string[]): Promise<Map<string, string> | null>;
}

/** The stamp of a user's rows: brig `user`, `scim_user_doc`, galley `team_member`, spar `scim_user_times`, its group memberships. */
export const userStampKey = (uid: UserId | string): string => `sso:stamp:u:${uid}`;
/** The stamp of a SCIM group's own row (its displayName as a user's `groups` shows it). */
export const groupStampKey = (team: TeamId | string, gid: string): string => `sso:stamp:g:${team}:${gid}`;
/** The stamp of a team's count of SCIM users or groups (index paging's `totalResults`, team-counts.ts). */
export const countStampKey = (team: TeamId | string, kind: CountedKind): string => `sso:stamp:n:${team}:${kind}`;

/**
 * This process's stamps: a random 64-bit prefix drawn once and a counter. A stamp needs to be
 * unique (never repeated, in this process or another), not secret: it is never shown to clients.
 * A random draw per stamp was 1.3% of scim-api's CPU under a POST load.
 */
const STAMP_PREFIX = randomBytes(8).toString('hex');
let stampCounter = 0;
export const freshStamp = (): string => STAMP_PREFIX + (stampCounter++).toString(16).padStart(16, '0');

/** One replaced stamp: the value it replaced (null: none was set) and the one it set. */
export interface StampSwap {
  key: string;
  previous: string | null;
  next: string;
}

/**
 * The stamp `key` holds after `swaps` when they were the only replacements since it was `from`:
 * each replaced `from` or another of them, one after the other. Null when anything else replaced
 * it in between (a swap that replaced a value not in the chain), or when the swaps do not name
 * the key. This is how a writer knows that the state it wrote is the state under the last stamp
 * (docs/decisions.md, "A PATCH keeps what it wrote").
 */
export function stampChain(key: string, from: string, swaps: readonly StampSwap[]): string | null {
  const next = new Map<string | null, string>();
  for (const s of swaps) {
    if (s.key !== key) continue;
    if (next.has(s.previous)) return null; // two swaps replaced one value: one of them saw another's
    next.set(s.previous, s.next);
  }
  if (next.size === 0) return null;
  let at = from;
  for (let n = next.get(at); n !== undefined; n = next.get(at)) {
    next.delete(at);
    at = n;
  }
  return next.size === 0 ? at : null;
}

/** The in-process twin, for unit tests (and to simulate an unreachable Redis: `failing`). */
export class MemoryChangeStamps implements ChangeStamps {
  readonly values = new Map<string, string>();
  /** While true every call fails as if Redis were unreachable. */
  failing = false;
  /** How many times each key was stamped. */
  readonly stamped = new Map<string, number>();
  /** Calls of `current` (round trips). */
  reads = 0;

  async stamp(keys: readonly string[]): Promise<StampSwap[]> {
    if (this.failing) throw new Error('stamps unreachable');
    return keys.map((key) => {
      const swap = { key, previous: this.values.get(key) ?? null, next: freshStamp() };
      this.values.set(key, swap.next);
      this.stamped.set(key, (this.stamped.get(key) ?? 0) + 1);
      return swap;
    });
  }

  async current(keys: readonly string[]): Promise<Map<string, string> | null> {
    this.reads++;
    if (this.failing) return null;
    const out = new Map<string, string>();
    for (const k of keys) {
      let v = this.values.get(k);
      if (v === undefined) {
        v = freshStamp();
        this.values.set(k, v);
      }
      out.set(k, v);
    }
    return out;
  }
}

/** What a writer does when a stamp could not be replaced (after one retry): log and count it. */
export type StampFailure = (keys: readonly string[], error: unknown) => void;

/** The swaps each stamped write's promise made, for the caller that holds the promise (`swapsOf`). */
const swapsByWrite = new WeakMap<Promise<unknown>, readonly StampSwap[]>();

/**
 * The stamps a write of a stamped store replaced, once its promise has settled: the promise
 * the store method returned identifies the write, so concurrent writes of other requests are
 * never mistaken for it. Undefined for a write that stamps nothing or could not stamp.
 */
export function swapsOf(write: Promise<unknown>): readonly StampSwap[] | undefined {
  return swapsByWrite.get(write);
}

/** Stamps after the write settled, success or not (a failed write may still have landed); never fails the write. */
export class StampWriter {
  constructor(
    private readonly stamps: ChangeStamps,
    private readonly onFailure: StampFailure,
  ) {}

  after<T>(keys: readonly string[], write: () => Promise<T>): Promise<T> {
    // Called only after an await of the body below, when `p` is assigned.
    const record = (swaps: StampSwap[]) => swapsByWrite.set(p, swaps);
    const p = this.settle(keys, write, record);
    return p;
  }

  private async settle<T>(keys: readonly string[], write: () => Promise<T>, record: (swaps: StampSwap[]) => void): Promise<T> {
    try {
      return await write();
    } finally {
      if (keys.length > 0) {
        const swaps = await this.stamp(keys);
        if (swaps) record(swaps);
      }
    }
  }

  /** The swaps made, or null when the stamps could not be replaced (after one retry: logged and counted). */
  async stamp(keys: readonly string[]): Promise<StampSwap[] | null> {
    try {
      return await this.stamps.stamp(keys);
    } catch {
      try {
        // A first try that failed may still have replaced a stamp: this one then replaced a value
        // outside any chain, which only makes a writer keep nothing.
        return await this.stamps.stamp(keys);
      } catch (e) {
        this.onFailure(keys, e);
        return null;
      }
    }
  }
}

/** Which stamps a write method replaces, from its arguments. */
type KeysOf<T> = { [K in keyof T]?: T[K] extends (...args: infer A) => Promise<unknown> ? (...args: A) => string[] : never };

/**
 * The write methods of the view inputs and the stamps each replaces. Every other method of these
 * ports is listed in UNSTAMPED with the reason (change-stamps.spec.ts checks that every method is
 * in one of the two).
 */
export const STAMPED = {
  users: {
    put: (u) => [userStampKey(u.id)],
    update: (id) => [userStampKey(id)],
    updateWithRichInfo: (id) => [userStampKey(id)],
    delete: (id) => [userStampKey(id)],
  } satisfies KeysOf<UserStore>,
  teams: {
    addMember: (m) => [userStampKey(m.user)],
    setRole: (_team, user) => [userStampKey(user)],
    removeMember: (_team, user) => [userStampKey(user)],
    removeMemberOnce: (_team, user) => [userStampKey(user)],
  } satisfies KeysOf<TeamStore>,
  scimUserDocs: {
    create: (d) => [userStampKey(d.uid)],
    insertNew: (d) => [userStampKey(d.uid)],
    replace: (d) => [userStampKey(d.uid)],
    deleteIf: (uid) => [userStampKey(uid)],
    delete: (uid) => [userStampKey(uid)],
  } satisfies KeysOf<ScimUserDocStore>,
  scimUserTimes: {
    put: (t) => [userStampKey(t.uid)],
    // user_v2 is not a view input (no port of it is stamped); the times are.
    putWithSamlUser: (t) => [userStampKey(t.uid)],
    touch: (uid) => [userStampKey(uid)],
    delete: (uid) => [userStampKey(uid)],
  } satisfies KeysOf<ScimUserTimesStore>,
  scimGroups: {
    // A new group is listed by its members (reverse rows): their stamps.
    create: (_g, members) => members.map((m) => userStampKey(m.user)),
    replace: (team, id) => [groupStampKey(team, id)],
    addMembers: (_team, _id, members) => members.map((m) => userStampKey(m.user)),
    removeMembers: (_team, _id, users) => users.map((u) => userStampKey(u)),
    // Its members' reverse rows go with it; every entry that lists the group checks this stamp.
    delete: (team, id) => [groupStampKey(team, id)],
  } satisfies KeysOf<ScimGroupStore>,
  teamCounts: {
    add: (team, kind) => [countStampKey(team, kind)],
    markDoubt: (team, kind) => [countStampKey(team, kind)],
    // A recount's correction is an `add`; `finish` makes the count trusted.
    finish: (team, kind) => [countStampKey(team, kind)],
  } satisfies KeysOf<TeamCountStore>,
};

/** The methods of the same ports that stamp nothing, and why. */
export const UNSTAMPED: Record<keyof typeof STAMPED, Record<string, string>> = {
  users: {
    get: 'read',
    getMany: 'read',
    lookupHandle: 'read',
    lookupEmail: 'read',
    getRichInfo: 'read',
    claimHandle: 'user_handle is not a view input (the userName hint is checked against the cached brig row)',
    releaseHandle: 'user_handle is not a view input',
    claimEmail: 'user_keys is not a view input',
    releaseEmail: 'user_keys is not a view input',
    putRichInfo: 'rich_info is not a view input (the document carries the rich info shown)',
  },
  teams: {
    getTeam: 'read',
    listTeams: 'read',
    getMember: 'read',
    listMembers: 'read',
    teamOf: 'read',
    ssoStatus: 'read',
    validateSamlEmailsStatus: 'read',
    createTeam: 'team row: not a view input',
    deleteTeam: 'removes the team row only, members are not touched',
    setSsoStatus: 'team feature: not a view input',
    setValidateSamlEmailsStatus: 'team feature: not a view input',
  },
  scimUserDocs: { get: 'read', getMany: 'read' },
  scimUserTimes: { get: 'read', getMany: 'read' },
  scimGroups: {
    get: 'read',
    getMany: 'read',
    list: 'read',
    idsByName: 'read',
    members: 'read',
    groupsOf: 'read',
    touchMembers: "members version and time: a user's `groups` shows only ids and displayNames",
  },
  teamCounts: {
    get: 'read',
    takeLease: 'the recount lease is not part of a count its readers keep',
    dropLease: 'the recount lease is not part of a count its readers keep',
  },
};

/** `target` with the methods of `keysOf` stamping after they settle (a Proxy: everything else is the target's own). */
export function stamped<T extends object>(target: T, keysOf: Record<string, (...args: never[]) => string[]>, writer: StampWriter): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value: unknown = Reflect.get(t, prop, receiver);
      const keys = typeof prop === 'string' ? keysOf[prop] : undefined;
      if (!keys || typeof value !== 'function') return value;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        w = (...args: unknown[]) => writer.after((keys as (...a: unknown[]) => string[])(...args), () => fn.apply(t, args));
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}

type Stampable = {
  spar: SparStores;
  identity: IdentityStores;
  scimUserDocs: ScimUserDocStore;
  scimGroups: ScimGroupStore;
  /** Stamped when given (the persistence root gives it; tests of the user views may leave it out). */
  teamCounts?: TeamCountStore;
};

/** The view inputs of `s` with every write stamping (the persistence root applies it when the app has stamps). */
export function withChangeStamps<S extends Stampable>(s: S, writer: StampWriter): S {
  const k = STAMPED as unknown as Record<keyof typeof STAMPED, Record<string, (...args: never[]) => string[]>>;
  return {
    ...s,
    spar: { ...s.spar, scimUserTimes: stamped(s.spar.scimUserTimes, k.scimUserTimes, writer) },
    identity: {
      ...s.identity,
      users: stamped(s.identity.users, k.users, writer),
      teams: stamped(s.identity.teams, k.teams, writer),
    },
    scimUserDocs: stamped(s.scimUserDocs, k.scimUserDocs, writer),
    scimGroups: stamped(s.scimGroups, k.scimGroups, writer),
    ...(s.teamCounts ? { teamCounts: stamped(s.teamCounts, k.teamCounts, writer) } : {}),
  };
}
