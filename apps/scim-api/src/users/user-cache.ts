import type { Clock, TeamId, UserId } from '@sso/domain';
import { type ChangeStamps, groupStampKey, userStampKey } from '@sso/persistence';
import type { LoadedUser } from './user-reader';

export interface UserCacheOptions {
  /** An entry's lifetime: the bound on staleness when a writer could not replace a stamp. */
  ttlSeconds: number;
  /** Most entries of each kind (users, users' groups, userName hints); the oldest go first. */
  maxEntries: number;
}

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

export type UserGroups = Array<{ id: string; displayName: string }>;

interface UserEntry {
  team: TeamId;
  user: LoadedUser;
  stamp: string;
  expires: number;
}

interface GroupsEntry {
  groups: UserGroups;
  /** The user's stamp (its reverse rows) and the stamps of the groups the reverse rows listed. */
  stamp: string;
  groupStamps: ReadonlyMap<string, string>;
  expires: number;
}

/**
 * scim-api's validated cache of SCIM user views (docs/decisions.md, "Validated SCIM user cache").
 * An entry records the change stamps its fill read before its Cassandra reads began, and is served
 * only while those are the current ones (read from Redis on every request, `stamps`); writers
 * replace the stamps once their writes have settled (persistence's `withChangeStamps`). Entries
 * are positive only and treated as immutable.
 */
export class UserCache {
  private readonly users = new Map<UserId, UserEntry>();
  private readonly groups = new Map<string, GroupsEntry>();
  /** userName (lowercase handle) → the user that had it: a hint, checked against the validated user. */
  private readonly handles = new Map<string, UserId>();

  constructor(
    private readonly changeStamps: ChangeStamps,
    private readonly clock: Clock,
    private readonly opts: UserCacheOptions,
    readonly count: (outcome: CacheOutcome, n?: number) => void = () => {},
  ) {}

  /** The current stamps (one round trip), or null: then the caller reads Cassandra and keeps nothing. */
  async stamps(keys: readonly string[]): Promise<Map<string, string> | null> {
    if (keys.length === 0) return new Map();
    try {
      return await this.changeStamps.current(keys);
    } catch {
      return null;
    }
  }

  /** The valid entry of `uid` for `team` under `stamp` (the current stamp), or undefined. */
  user(team: TeamId, uid: UserId, stamp: string | undefined): LoadedUser | undefined {
    const e = this.users.get(uid);
    if (!e) return undefined;
    if (e.stamp !== stamp || e.expires <= this.now()) {
      this.users.delete(uid);
      return undefined;
    }
    return e.team === team ? e.user : undefined;
  }

  /** Keeps `user` as filled under `stamp` (the stamp read before the fill's first Cassandra read). */
  putUser(team: TeamId, user: LoadedUser, stamp: string): void {
    Object.freeze(user.doc);
    this.put(this.users, user.user.id, { team, user: Object.freeze(user), stamp, expires: this.expiry() });
  }

  /** The stamp keys the groups entry of `uid` depends on beyond the user's own (to read them with it). */
  groupKeys(team: TeamId, uid: UserId): string[] {
    const e = this.groups.get(`${team}:${uid}`);
    return e ? [...e.groupStamps.keys()] : [];
  }

  /** The valid groups of `uid` under the current `stamps` (which hold the user's and `groupKeys`). */
  groupsOf(team: TeamId, uid: UserId, stamps: ReadonlyMap<string, string>): UserGroups | undefined {
    const key = `${team}:${uid}`;
    const e = this.groups.get(key);
    if (!e) return undefined;
    let valid = e.stamp === stamps.get(userStampKey(uid)) && e.expires > this.now();
    for (const [k, v] of e.groupStamps) if (valid && stamps.get(k) !== v) valid = false;
    if (!valid) {
      this.groups.delete(key);
      return undefined;
    }
    return e.groups;
  }

  putGroups(team: TeamId, uid: UserId, groups: UserGroups, stamp: string, groupStamps: ReadonlyMap<string, string>): void {
    this.put(this.groups, `${team}:${uid}`, { groups: Object.freeze(groups) as UserGroups, stamp, groupStamps, expires: this.expiry() });
  }

  /** The user that last had userName `handle` here (a hint: the caller checks the validated user still has it). */
  handleHint(handle: string): UserId | undefined {
    return this.handles.get(handle);
  }

  putHandleHint(handle: string, uid: UserId): void {
    this.put(this.handles, handle, uid);
  }

  forgetHandleHint(handle: string): void {
    this.handles.delete(handle);
  }

  groupKey(team: TeamId, gid: string): string {
    return groupStampKey(team, gid);
  }

  /** Entries kept (users, groups lists, hints), for tests and the bound on memory. */
  get size(): { users: number; groups: number; handles: number } {
    return { users: this.users.size, groups: this.groups.size, handles: this.handles.size };
  }

  private put<K, V>(m: Map<K, V>, k: K, v: V): void {
    m.delete(k);
    m.set(k, v);
    while (m.size > this.opts.maxEntries) m.delete(m.keys().next().value as K);
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private expiry(): number {
    return this.now() + this.opts.ttlSeconds * 1000;
  }
}
