import {
  type Clock,
  type Role,
  type TeamId,
  type TeamMember,
  type User,
  type UserId,
  emailKey,
  isEmail,
  isUuid,
  userId,
} from '@sso/domain';
import type {
  IdentityStores,
  ScimDocTimes,
  ScimGroupStore,
  ScimTokenRecord,
  ScimUserDoc,
  ScimUserDocStore,
  SparStores,
} from '@sso/persistence';
import { userStampKey } from '@sso/persistence';
import { NAMEID_FORMATS, normalizeNameId } from '@sso/saml';
import { type JsonObject, ScimError, computeETag } from '@sso/scim';
import type { UserCache, UserGroups } from './user-cache';
import { present, synthesise, visibleIn } from './user-view';

export interface UsersSettings {
  richInfoLimit: number;
  /** The backend's default locale: `preferredLanguage` of users without one. */
  defaultLocale: string;
}

/** A SCIM user as shown: brig's row, the document as rendered and its ETag. */
export interface LoadedUser {
  user: User;
  /** The stored document (or one synthesised from brig) with what spar derives (user-view.ts `present`). */
  doc: JsonObject;
  /** The ETag: the version of `doc` as shown, so a role change in team settings changes it too. */
  version: string;
  /**
   * The stored document's version (the compare-and-set key of writes). Null for a team member
   * SCIM has not written yet (SSO-created users, SCIM users from before the document table):
   * synthesised from brig; the first PUT or PATCH takes it over.
   */
  rowVersion: string | null;
  /** The galley role, null without a member row (shown as member). */
  role: Role | null;
  created: Date;
  lastModified: Date;
}

export const userNotFound = (id: string) => new ScimError('not-found', `User ${id} not found`);

/** The version of a document: the weak ETag of the resource it renders (id included, meta not). */
export function versionOf(uid: UserId, doc: JsonObject): string {
  return computeETag({ ...doc, id: uid });
}

/**
 * Reading SCIM users (docs/spar-behaviour.md §5.2-§5.3): by id, by a keyed attribute, in pages of
 * team members. Reads never write. The write use cases (create-user.ts, update-user.ts,
 * delete-user.ts) start from what this returns.
 */
export class UserReader {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly groups: ScimGroupStore,
    private readonly clock: Clock,
    private readonly settings: UsersSettings,
    /** The validated cache of GET, keyed filters and list pages (user-cache.ts); null: every read goes to Cassandra. */
    private readonly cache: UserCache | null = null,
  ) {}

  /**
   * The team's user as SCIM shows it, or null (other teams' users and members SCIM does not see,
   * user-view.ts `visibleIn`). Reads only: a user SCIM has not written yet is synthesised from
   * brig and galley, never written (docs/design.md §6.2).
   */
  async load(team: TeamId, id: string): Promise<LoadedUser | null> {
    return (await this.loadTimed(team, id)).user;
  }

  /** `load`, and whether the user's times were stored (else they are "now", and the result is not cacheable). */
  private async loadTimed(team: TeamId, id: string): Promise<{ user: LoadedUser | null; timed: boolean }> {
    if (!isUuid(id)) return { user: null, timed: false };
    const uid = userId(id);
    const [user, row, member] = await Promise.all([
      this.identity.users.get(uid),
      this.docs.get(uid),
      this.identity.teams.getMember(team, uid),
    ]);
    if (!user || !visibleIn(team, user)) return { user: null, timed: false };
    // Documents written since brig migration 16 carry their times; older rows (and users SCIM
    // never wrote) read spar's scim_user_times, one round trip more.
    const times = row?.times ?? (await this.spar.scimUserTimes.get(uid));
    return { user: this.assemble(team, user, row, member?.role ?? null, times?.createdAt, times?.lastUpdatedAt), timed: !!times };
  }

  /**
   * `load` through the validated cache (docs/decisions.md, "Validated SCIM user cache"; PUT and
   * PATCH start from it too, "PATCH and PUT start from the validated cache"). The stamp is read
   * before any Cassandra read; a fill is kept under it.
   */
  async loadCached(team: TeamId, id: string): Promise<LoadedUser | null> {
    return (await this.loadStamped(team, id)).user;
  }

  /**
   * `loadCached` and the stamp the user is valid under (read before any Cassandra read), or a
   * null stamp when the cache is off or Redis did not answer: a writer that starts from the user
   * can keep what it writes only with the stamp (`keepWritten`).
   */
  async loadStamped(team: TeamId, id: string): Promise<{ user: LoadedUser | null; stamp: string | null }> {
    const cache = this.cache;
    if (!cache || !isUuid(id)) return { user: await this.load(team, id), stamp: null };
    const uid = userId(id);
    const key = userStampKey(uid);
    const stamps = await cache.stamps([key]);
    if (!stamps) {
      cache.count('bypass');
      return { user: await this.load(team, id), stamp: null };
    }
    const stamp = stamps.get(key)!;
    return { user: await this.viaCache(cache, team, uid, stamp), stamp };
  }

  /**
   * Keeps the user a write produced, under the stamp its own writes left (docs/decisions.md, "A
   * PATCH keeps what it wrote"); the writer has checked that nothing else replaced the stamp
   * since the one it started from.
   */
  keepWritten(team: TeamId, user: LoadedUser, stamp: string): void {
    this.cache?.putUser(team, user, stamp);
  }

  /** The user from a valid entry under `stamp` (the current one), else read and kept under it. */
  private async viaCache(cache: UserCache, team: TeamId, uid: UserId, stamp: string): Promise<LoadedUser | null> {
    const hit = cache.user(team, uid, stamp);
    if (hit) {
      cache.count('hit');
      return hit;
    }
    cache.count('miss');
    const r = await this.loadTimed(team, uid);
    if (r.user && r.timed) cache.putUser(team, r.user, stamp);
    return r.user;
  }

  /**
   * The times of `ids`: from their documents where these carry them, else from spar's
   * scim_user_times (read only for the ids that need it).
   */
  async timesOf(ids: readonly UserId[], docs: Map<UserId, ScimUserDoc>): Promise<Map<UserId, ScimDocTimes>> {
    const out = new Map<UserId, ScimDocTimes>();
    const missing: UserId[] = [];
    for (const id of ids) {
      const t = docs.get(id)?.times;
      if (t) out.set(id, t);
      else missing.push(id);
    }
    if (missing.length > 0) for (const [id, t] of await this.spar.scimUserTimes.getMany(missing)) out.set(id, t);
    return out;
  }

  /** Turns stored rows into a LoadedUser, or null when the user is not the team's SCIM user. */
  assemble(
    team: TeamId,
    user: User,
    row: ScimUserDoc | null | undefined,
    role: Role | null,
    created?: Date,
    lastModified?: Date,
  ): LoadedUser | null {
    if (!visibleIn(team, user)) return null;
    // Without times (users SCIM never wrote), now: spar writes that on the first read, we may not.
    const now = this.clock.now();
    const stored = row ? (JSON.parse(row.doc) as JsonObject) : synthesise(user);
    return {
      ...this.view(user, stored, role),
      rowVersion: row?.version ?? null,
      created: created ?? now,
      lastModified: lastModified ?? created ?? now,
    };
  }

  /** The user as shown (user-view.ts `present`) and its ETag. */
  view(user: User, stored: JsonObject, role: Role | null): { user: User; doc: JsonObject; version: string; role: Role | null } {
    const doc = present(stored, user, role, this.settings.defaultLocale);
    return { user, doc, version: versionOf(user.id, doc), role };
  }

  /** The team's visible users among `ids` (group members, say), with their member rows' roles. */
  async loadIds(team: TeamId, ids: readonly UserId[]): Promise<LoadedUser[]> {
    const members = await Promise.all(ids.map((id) => this.identity.teams.getMember(team, id)));
    return this.loadMembers(
      team,
      members.filter((m): m is TeamMember => m !== null),
    );
  }

  /**
   * The team's users among `members`, in that order, for list pages: brig, documents and times
   * by batched reads in parallel; the role comes with the member row.
   */
  async loadMembers(team: TeamId, members: TeamMember[]): Promise<LoadedUser[]> {
    if (members.length === 0) return [];
    const cache = this.cache;
    if (!cache) return this.fetchMembers(team, members, null);
    // Every member's stamp in one round trip, before any Cassandra read; only the misses are read.
    const keys = members.map((m) => userStampKey(m.user));
    const stamps = await cache.stamps(keys);
    if (!stamps) {
      cache.count('bypass', members.length);
      return this.fetchMembers(team, members, null);
    }
    const hits = new Map<UserId, LoadedUser>();
    const misses: TeamMember[] = [];
    for (const m of members) {
      const hit = cache.user(team, m.user, stamps.get(userStampKey(m.user)));
      // The page's member row is the role shown: an entry read under another role is a miss.
      if (hit && hit.role === m.role) hits.set(m.user, hit);
      else misses.push(m);
    }
    cache.count('hit', hits.size);
    cache.count('miss', misses.length);
    const fetched = new Map(
      (await this.fetchMembers(team, misses, (u) => cache.putUser(team, u, stamps.get(userStampKey(u.user.id))!))).map(
        (u) => [u.user.id, u] as const,
      ),
    );
    const out: LoadedUser[] = [];
    const seen = new Set<UserId>();
    for (const m of members) {
      const u = hits.get(m.user) ?? fetched.get(m.user);
      if (u && !seen.has(m.user)) out.push(u);
      seen.add(m.user);
    }
    return out;
  }

  /**
   * How many of `members` the team's SCIM shows (index paging's skip and peek): a valid cached
   * user is shown; only the others' brig rows are read.
   */
  async countVisible(team: TeamId, members: readonly TeamMember[]): Promise<number> {
    if (members.length === 0) return 0;
    const cache = this.cache;
    const stamps = cache ? await cache.stamps(members.map((m) => userStampKey(m.user))) : null;
    let shown = 0;
    const rest: UserId[] = [];
    for (const m of members) {
      if (stamps && cache!.user(team, m.user, stamps.get(userStampKey(m.user)))) shown++;
      else rest.push(m.user);
    }
    if (rest.length > 0) shown += (await this.identity.users.getMany(rest)).filter((u) => visibleIn(team, u)).length;
    return shown;
  }

  /** The members' users read from Cassandra; `keep` gets those whose times were stored (cacheable). */
  private async fetchMembers(team: TeamId, members: TeamMember[], keep: ((u: LoadedUser) => void) | null): Promise<LoadedUser[]> {
    if (members.length === 0) return [];
    const ids = members.map((m) => m.user);
    const roles = new Map(members.map((m) => [m.user, m.role] as const));
    const [users, docs] = await Promise.all([this.identity.users.getMany(ids), this.docs.getMany(ids)]);
    const times = await this.timesOf(ids, docs);
    const out: LoadedUser[] = [];
    for (const user of users) {
      const t = times.get(user.id);
      const u = this.assemble(team, user, docs.get(user.id), roles.get(user.id) ?? null, t?.createdAt, t?.lastUpdatedAt);
      if (u) out.push(u);
      if (u && t && keep) keep(u);
    }
    return out;
  }

  /**
   * The user a keyed equality names (`id`, `userName`, `externalId`), or null; the list code
   * still applies the whole filter to it. Users SCIM has not written yet have no `scim_external`
   * row and maybe no handle, so, as spar's `scimFindUserByExternalId` / `ByHandle`, the lookup
   * falls back to their NameID under the team's IdPs (`user_v2`), their email, and the user id
   * that stands in for a missing handle.
   */
  async findByKey(team: TeamId, attribute: string, value: string): Promise<LoadedUser | null> {
    if (attribute === 'id') return this.loadCached(team, value);
    if (attribute === 'userName') {
      const handle = value.toLowerCase();
      // The hint is only a candidate: served when the validated user still has the handle (brig's
      // row changes, and so its stamp, before a handle is released for another user to claim).
      const hinted = this.cache?.handleHint(handle);
      if (hinted !== undefined) {
        const u = await this.loadCached(team, hinted);
        if (u && u.user.handle === handle) return u;
        this.cache?.forgetHandleHint(handle);
      }
      const uid = await this.identity.users.lookupHandle(handle);
      if (uid !== null) {
        const u = await this.loadCached(team, uid);
        if (u && u.user.handle === handle) this.cache?.putHandleHint(handle, uid);
        return u;
      }
      const u = isUuid(value) ? await this.loadCached(team, value) : null;
      return u && u.user.handle === null ? u : null;
    }
    if (attribute !== 'externalId') return null;
    const row = await this.spar.scimExternal.get(team, value);
    const viaRow = row ? await this.loadCached(team, row.uid) : null;
    if (viaRow) return viaRow;
    const idps = await this.spar.idps.listByTeam(team);
    const hits = await Promise.all(
      idps.map((idp) =>
        this.spar.samlUsers.get(
          idp.issuer,
          normalizeNameId({ value, format: NAMEID_FORMATS.unspecified, nameQualifier: null, spNameQualifier: null }),
        ),
      ),
    );
    for (const hit of hits) {
      const u = hit ? await this.loadCached(team, hit.uid) : null;
      if (u) return u;
    }
    if (isEmail(value)) {
      const uid = await this.identity.users.lookupEmail(emailKey(value));
      if (uid !== null) return this.loadCached(team, uid);
    }
    return null;
  }

  /**
   * The user's groups (readOnly `groups`): the reverse rows (one partition) and the group rows
   * (one IN read in the team's partition). Only GET by id shows them; a list page would pay this
   * per user.
   */
  async groupsOf(team: TeamId, uid: UserId): Promise<Array<{ id: string; displayName: string }>> {
    const ids = await this.groups.groupsOf(team, uid);
    if (ids.length === 0) return [];
    return (await this.groups.getMany(team, ids)).map((g) => ({ id: g.id, displayName: g.displayName }));
  }

  /**
   * GET by id: the user and, when shown, its groups, read at the same time (one round trip
   * instead of two after the token). Errors come as if the reads ran one after the other: a
   * failed or empty user read wins (404 for a missing user, whatever the groups read did), and
   * only then does a failed groups read count.
   */
  async getWithGroups(
    token: ScimTokenRecord,
    id: string,
    withGroups: boolean,
  ): Promise<{ user: LoadedUser; groups: Array<{ id: string; displayName: string }> | null }> {
    if (this.cache && isUuid(id)) {
      const r = await this.getWithGroupsCached(this.cache, token.team, id, withGroups);
      if (r) return r;
    }
    // Settled at once, so its failure is never an unhandled rejection while the user read fails.
    const groups =
      withGroups && isUuid(id)
        ? this.groupsOf(token.team, userId(id)).then(
            (g) => ({ ok: true as const, g }),
            (error: unknown) => ({ ok: false as const, error }),
          )
        : null;
    const user = await this.get(token, id);
    if (groups === null) return { user, groups: null };
    const r = await groups;
    if (!r.ok) throw r.error;
    return { user, groups: r.g };
  }

  /**
   * getWithGroups through the cache: the user's stamp and those of the groups its cached list
   * names in one round trip; null when the stamps cannot be read (the caller reads Cassandra).
   */
  private async getWithGroupsCached(
    cache: UserCache,
    team: TeamId,
    id: string,
    withGroups: boolean,
  ): Promise<{ user: LoadedUser; groups: UserGroups | null } | null> {
    const uid = userId(id);
    const key = userStampKey(uid);
    const stamps = await cache.stamps(withGroups ? [key, ...cache.groupKeys(team, uid)] : [key]);
    if (!stamps) {
      cache.count('bypass');
      return null;
    }
    const stamp = stamps.get(key)!;
    const groups = withGroups
      ? this.groupsCached(cache, team, uid, stamp, stamps).then(
          (g) => ({ ok: true as const, g }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      : null;
    const user = await this.viaCache(cache, team, uid, stamp);
    if (!user) throw userNotFound(id);
    if (groups === null) return { user, groups: null };
    const r = await groups;
    if (!r.ok) throw r.error;
    return { user, groups: r.g };
  }

  /**
   * The user's groups from a valid entry, else read: the reverse rows (under the user's stamp,
   * read before), then the stamps of the groups they list, and only then the group rows, so a
   * rename that lands after the group rows were read has replaced the stamp kept with them.
   */
  private async groupsCached(
    cache: UserCache,
    team: TeamId,
    uid: UserId,
    stamp: string,
    stamps: ReadonlyMap<string, string>,
  ): Promise<UserGroups> {
    const hit = cache.groupsOf(team, uid, stamps);
    if (hit) return hit;
    const ids = await this.groups.groupsOf(team, uid);
    if (ids.length === 0) {
      cache.putGroups(team, uid, [], stamp, new Map());
      return [];
    }
    const groupStamps = await cache.stamps(ids.map((g) => cache.groupKey(team, g)));
    const rows = (await this.groups.getMany(team, ids)).map((g) => ({ id: g.id, displayName: g.displayName }));
    if (groupStamps) cache.putGroups(team, uid, rows, stamp, groupStamps);
    return rows;
  }

  async get(token: ScimTokenRecord, id: string): Promise<LoadedUser> {
    const u = await this.loadCached(token.team, id);
    if (!u) throw userNotFound(id);
    return u;
  }
}
