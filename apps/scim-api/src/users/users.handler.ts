import { randomUUID } from 'node:crypto';
import { type Clock, type Role, type TeamId, type TeamMember, type User, type UserId, emailKey, isEmail, isUuid, newUserId, userId } from '@sso/domain';
import type { IdentityStores, ScimGroupStore, ScimTokenRecord, ScimUserDoc, ScimUserDocStore, SparStores } from '@sso/persistence';
import { NAMEID_FORMATS, normalizeNameId } from '@sso/saml';
import {
  type JsonObject,
  ScimError,
  applyPatch,
  clone,
  computeETag,
  getIgnoreCase,
  ifMatchPasses,
  ifNoneMatchPasses,
  parsePatchRequest,
  userResourceSchema,
} from '@sso/scim';
import { type Preconditions, preconditionFailed as precondition } from '../common/preconditions';
import { type SamlIdentity, samlIdentity, samlKeyOf, scimExternalSsoId } from './sso-identity';
import { present, synthesise, visibleIn } from './user-view';
import { type ValidatedUser, reconcileRichInfo, scimUserRecord, statusFor, validateUser } from './user-input';

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
   * False for a team member SCIM has not written yet (SSO-created users, SCIM users from before
   * the document table): synthesised from brig; the first PUT or PATCH takes it over.
   */
  stored: boolean;
  /** The stored row's version (the compare-and-set key of writes); null when not stored. */
  rowVersion: string | null;
  /** The galley role, null without a member row (shown as member). */
  role: Role | null;
  created: Date;
  lastModified: Date;
}

const notFound = (id: string) => new ScimError('not-found', `User ${id} not found`);
const taken = (what: string) => new ScimError('uniqueness', `${what} is already taken`);

/** Waits for every write (none is left running), then throws the first failure, if any. */
async function settleAll(writes: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The version of a document: the weak ETag of the resource it renders (id included, meta not). */
export function versionOf(uid: UserId, doc: JsonObject): string {
  return computeETag({ ...doc, id: uid });
}

/**
 * The SCIM Users use cases on the Wire tables (docs/spar-behaviour.md §5.4). The document table is the
 * SCIM source of truth; brig, galley and spar's tables mirror what Wire reads from them. Unique
 * keys are claimed with LWTs first and released when a later step fails.
 */
export class UsersHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly groups: ScimGroupStore,
    private readonly clock: Clock,
    private readonly settings: UsersSettings,
  ) {}

  /**
   * The team's user as SCIM shows it, or null (other teams' users and members SCIM does not see,
   * user-view.ts `visibleIn`). Reads only: a user SCIM has not written yet is synthesised from
   * brig and galley, never written (docs/design.md §6.2).
   */
  async load(team: TeamId, id: string): Promise<LoadedUser | null> {
    if (!isUuid(id)) return null;
    const uid = userId(id);
    const [user, row, times, member] = await Promise.all([
      this.identity.users.get(uid),
      this.docs.get(uid),
      this.spar.scimUserTimes.get(uid),
      this.identity.teams.getMember(team, uid),
    ]);
    if (!user) return null;
    return this.assemble(team, user, row, member?.role ?? null, times?.createdAt, times?.lastUpdatedAt);
  }

  /** Whether brig's row is a SCIM resource of the team (what assemble checks first). */
  static visibleIn(team: TeamId, user: User): boolean {
    return visibleIn(team, user);
  }

  /** Turns stored rows into a LoadedUser, or null when the user is not the team's SCIM user. */
  assemble(team: TeamId, user: User, row: ScimUserDoc | null | undefined, role: Role | null, created?: Date, lastModified?: Date): LoadedUser | null {
    if (!visibleIn(team, user)) return null;
    // Without times (users SCIM never wrote), now: spar writes that on the first read, we may not.
    const now = this.clock.now();
    const stored = row ? (JSON.parse(row.doc) as JsonObject) : synthesise(user);
    return { ...this.view(user, stored, role), stored: !!row, rowVersion: row?.version ?? null, created: created ?? now, lastModified: lastModified ?? created ?? now };
  }

  private view(user: User, stored: JsonObject, role: Role | null): { user: User; doc: JsonObject; version: string; role: Role | null } {
    const doc = present(stored, user, role, this.settings.defaultLocale);
    return { user, doc, version: versionOf(user.id, doc), role };
  }

  /** The team's visible users among `ids` (group members, say), with their member rows' roles. */
  async loadIds(team: TeamId, ids: readonly UserId[]): Promise<LoadedUser[]> {
    const members = await Promise.all(ids.map((id) => this.identity.teams.getMember(team, id)));
    return this.loadMembers(team, members.filter((m): m is TeamMember => m !== null));
  }

  /**
   * The team's users among `members`, in that order, for list pages: brig, documents and times
   * by batched reads in parallel; the role comes with the member row.
   */
  async loadMembers(team: TeamId, members: TeamMember[]): Promise<LoadedUser[]> {
    if (members.length === 0) return [];
    const ids = members.map((m) => m.user);
    const roles = new Map(members.map((m) => [m.user, m.role] as const));
    const [users, docs, times] = await Promise.all([this.identity.users.getMany(ids), this.docs.getMany(ids), this.spar.scimUserTimes.getMany(ids)]);
    const out: LoadedUser[] = [];
    for (const user of users) {
      const t = times.get(user.id);
      const u = this.assemble(team, user, docs.get(user.id), roles.get(user.id) ?? null, t?.createdAt, t?.lastUpdatedAt);
      if (u) out.push(u);
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
    if (attribute === 'id') return this.load(team, value);
    if (attribute === 'userName') {
      const uid = await this.identity.users.lookupHandle(value.toLowerCase());
      if (uid !== null) return this.load(team, uid);
      const u = isUuid(value) ? await this.load(team, value) : null;
      return u && u.user.handle === null ? u : null;
    }
    if (attribute !== 'externalId') return null;
    const row = await this.spar.scimExternal.get(team, value);
    const viaRow = row ? await this.load(team, row.uid) : null;
    if (viaRow) return viaRow;
    const idps = await this.spar.idps.listByTeam(team);
    const hits = await Promise.all(idps.map((idp) => this.spar.samlUsers.get(idp.issuer, normalizeNameId({ value, format: NAMEID_FORMATS.unspecified, nameQualifier: null, spNameQualifier: null }))));
    for (const hit of hits) {
      const u = hit ? await this.load(team, hit.uid) : null;
      if (u) return u;
    }
    if (isEmail(value)) {
      const uid = await this.identity.users.lookupEmail(emailKey(value));
      if (uid !== null) return this.load(team, uid);
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

  async get(token: ScimTokenRecord, id: string): Promise<LoadedUser> {
    const u = await this.load(token.team, id);
    if (!u) throw notFound(id);
    return u;
  }

  private async identityOf(token: ScimTokenRecord, externalId: string): Promise<{ saml: SamlIdentity | null; ssoId: string }> {
    if (!token.idp) return { saml: null, ssoId: scimExternalSsoId(externalId) };
    const idp = await this.spar.idps.get(token.idp);
    if (!idp) throw new ScimError('bad-request', "The SCIM token's identity provider no longer exists");
    const saml = samlIdentity(idp.issuer, externalId);
    return { saml, ssoId: saml.ssoId };
  }

  private validate(token: ScimTokenRecord, body: unknown): ValidatedUser {
    return validateUser(body, { richInfoLimit: this.settings.richInfoLimit, needsEmail: token.idp === null });
  }

  async create(token: ScimTokenRecord, body: unknown): Promise<LoadedUser> {
    const team = token.team;
    const v = this.validate(token, body);
    const uid = newUserId();
    const { saml, ssoId } = await this.identityOf(token, v.wire.externalId);
    const undo: Array<() => Promise<unknown>> = [];
    const rollback = async () => {
      for (const f of undo.reverse()) await f().catch(() => undefined);
    };
    try {
      // The two unique keys are independent: claim them at once; release whichever was won when
      // the other fails. With an IdP, the SAML identity is checked at the same time.
      const [eidClaim, handleClaim, samlOwner] = await Promise.allSettled([
        this.claimExternalId(team, v.wire.externalId, uid),
        this.identity.users.claimHandle(v.wire.handle, uid),
        saml ? this.samlIdentityTaken(saml, uid) : Promise.resolve(false),
      ]);
      if (eidClaim.status === 'fulfilled') undo.push(() => this.spar.scimExternal.release(team, v.wire.externalId, uid));
      if (handleClaim.status === 'fulfilled' && handleClaim.value.ok) undo.push(() => this.identity.users.releaseHandle(v.wire.handle, uid));
      if (eidClaim.status === 'rejected') throw eidClaim.reason;
      if (handleClaim.status === 'rejected') throw handleClaim.reason;
      if (!handleClaim.value.ok) throw taken('userName');
      if (samlOwner.status === 'rejected') throw samlOwner.reason;
      if (samlOwner.value) throw taken('externalId');

      const now = this.clock.now();
      const doc = v.doc;
      const version = versionOf(uid, doc);
      const user = scimUserRecord(uid, team, v, ssoId);
      // With both keys held, the rows go out in parallel, in two steps: first what a reader needs
      // besides brig's row (document, times, rich info, SAML identity), then brig's row and the
      // membership, which make the user visible (by id, by userName, in lists), so a reader never
      // sees the user without its document. Every write is undone on failure (the deletes are
      // idempotent: undoing a write that never landed is harmless). scim_external is marked
      // Created last, once the user exists.
      undo.push(
        () => this.docs.delete(uid),
        () => this.spar.scimUserTimes.delete(uid),
        () => this.identity.users.delete(uid), // with its rich info
        () => this.identity.teams.removeMember(team, uid),
      );
      if (saml) undo.push(() => this.spar.samlUsers.delete(saml.issuer, saml.normalizedNameId));
      await settleAll([
        this.docs.create({ uid, doc: JSON.stringify(doc), version }),
        this.spar.scimUserTimes.put({ uid, createdAt: now, lastUpdatedAt: now }),
        v.wire.richInfo.length > 0 ? this.identity.users.putRichInfo(uid, JSON.stringify({ version: 0, fields: v.wire.richInfo })) : undefined,
        saml ? this.spar.samlUsers.insert({ issuer: saml.issuer, normalizedNameId: saml.normalizedNameId, ssoId: saml.subjectXml, uid }) : undefined,
      ]);
      await settleAll([this.identity.users.put(user), this.identity.teams.addMember({ team, user: uid, role: v.wire.role ?? 'member', invitedBy: null, invitedAt: now })]);
      await this.spar.scimExternal.markCreated(team, v.wire.externalId, uid);
      const role = v.wire.role ?? 'member';
      return { ...this.view(user, doc, role), stored: true, rowVersion: version, created: now, lastModified: now };
    } catch (e) {
      await rollback();
      throw e;
    }
  }

  /** Whether the SAML identity belongs to another existing user. */
  private async samlIdentityTaken(saml: SamlIdentity, uid: UserId): Promise<boolean> {
    const existing = await this.spar.samlUsers.get(saml.issuer, saml.normalizedNameId);
    return existing !== null && existing.uid !== uid && (await this.identity.users.get(existing.uid)) !== null;
  }

  /**
   * Claims `(team, externalId)` for `uid`. A Created row whose user no longer exists is a leftover
   * (spar re-creates over it): it is released and claimed again. A row still Creating belongs to a
   * create in flight and is a conflict. True when the row is not (yet) Created: this claim, or a
   * concurrent one of the same user, inserted it.
   */
  private async claimExternalId(team: TeamId, externalId: string, uid: UserId): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const c = await this.spar.scimExternal.claim(team, externalId, uid);
      if (c.ok) return c.record.status === 'creating';
      if (c.owner.status === 'created') {
        const owner = await this.identity.users.get(c.owner.uid);
        if (!owner || owner.team !== team || owner.status === 'deleted') {
          await this.spar.scimExternal.release(team, externalId, c.owner.uid);
          continue;
        }
      }
      break;
    }
    throw taken('externalId');
  }

  async replace(token: ScimTokenRecord, id: string, body: unknown, pre: Preconditions): Promise<LoadedUser> {
    return this.write(token, id, pre, () => body);
  }

  async patch(token: ScimTokenRecord, id: string, body: unknown, pre: Preconditions): Promise<LoadedUser> {
    const ops = parsePatchRequest(body);
    return this.write(token, id, pre, (cur) => {
      const base = clone(cur.doc);
      const { resource } = applyPatch(base, ops, userResourceSchema, { replaceNoMatch: 'add' });
      return resource;
    });
  }

  /**
   * Read, compute, compare-and-set. The document's LWT on `version` is the point where a write
   * takes effect: with If-Match a lost race is 412; without, the write is recomputed on the new
   * state (so concurrent PATCHes never lose each other's changes).
   */
  private async write(token: ScimTokenRecord, id: string, pre: Preconditions, next: (cur: LoadedUser) => unknown): Promise<LoadedUser> {
    const team = token.team;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.load(team, id);
      if (!cur) throw notFound(id);
      if (!ifMatchPasses(pre.ifMatch, cur.version) || !ifNoneMatchPasses(pre.ifNoneMatch, cur.version)) throw precondition();
      const v = this.validate(token, reconcileRichInfo(cur.doc, next(cur)));
      const uid = cur.user.id;
      const version = versionOf(uid, v.doc);
      const identity = await this.identityOf(token, v.wire.externalId);
      // An unchanged document still takes the user under this token's IdP (spar: a PUT binds the
      // user to the token's IdP); that is how users provisioned by an unbound token are recovered.
      const rebind = cur.user.ssoId !== identity.ssoId;
      if (version === cur.rowVersion && !rebind) return cur;

      // The handle the document holds: brig's row is written after the document and may still
      // show the one before a concurrent write that just won. A user SCIM never wrote has brig's.
      const docName = getIgnoreCase(cur.doc, 'userName');
      const oldHandle = cur.stored && typeof docName === 'string' ? docName.toLowerCase() : cur.user.handle;
      const oldEid = typeof cur.doc['externalId'] === 'string' ? cur.doc['externalId'] : null;
      const handleChanged = oldHandle !== v.wire.handle;
      // Taking over a user SCIM has not written yet (SSO-created): its externalId has no
      // scim_external row, so it is claimed even when unchanged.
      const eidChanged = oldEid !== v.wire.externalId || !cur.stored;
      const undo: Array<() => Promise<unknown>> = [];
      const rollback = async () => {
        for (const f of undo.reverse()) await f().catch(() => undefined);
      };
      try {
        if (handleChanged) {
          const h = await this.identity.users.claimHandle(v.wire.handle, uid);
          if (!h.ok) throw taken('userName');
          // A concurrent write of this user with the same userName holds the same claim: when it
          // won, the claim is its, and stays.
          undo.push(async () => {
            if (!(await this.docHolds(uid, 'userName', v.wire.handle))) await this.identity.users.releaseHandle(v.wire.handle, uid);
          });
        }
        if (eidChanged) {
          const fresh = await this.claimExternalId(team, v.wire.externalId, uid);
          // Only a row this write inserted is released (a taken-over SCIM user already held its
          // own), and not when a concurrent write of this user won with the same externalId.
          undo.push(async () => {
            if (fresh && !(await this.docHolds(uid, 'externalId', v.wire.externalId))) await this.spar.scimExternal.release(team, v.wire.externalId, uid);
          });
        }
        if (eidChanged || rebind) {
          if (identity.saml) {
            const existing = await this.spar.samlUsers.get(identity.saml.issuer, identity.saml.normalizedNameId);
            if (existing && existing.uid !== uid && (await this.identity.users.get(existing.uid))) throw taken('externalId');
          }
        }
        const row = { uid, doc: JSON.stringify(v.doc), version };
        const cas = cur.rowVersion !== null ? await this.docs.replace(row, cur.rowVersion) : await this.docs.create(row);
        if (!cas.ok) {
          await rollback();
          if (pre.ifMatch !== undefined || pre.ifNoneMatch !== undefined) throw precondition();
          continue;
        }
      } catch (e) {
        await rollback();
        throw e;
      }

      // The document is written: bring the Wire tables in line with it.
      const now = this.clock.now();
      if (eidChanged) {
        await this.spar.scimExternal.markCreated(team, v.wire.externalId, uid);
        if (oldEid !== null && oldEid !== v.wire.externalId) await this.spar.scimExternal.release(team, oldEid, uid);
      }
      const oldKey = samlKeyOf(cur.user.ssoId);
      if (oldKey && (!identity.saml || oldKey.issuer !== identity.saml.issuer || oldKey.normalizedNameId !== identity.saml.normalizedNameId)) {
        await this.spar.samlUsers.delete(oldKey.issuer, oldKey.normalizedNameId);
      }
      if (identity.saml) {
        const s = identity.saml;
        await this.spar.samlUsers.insert({ issuer: s.issuer, normalizedNameId: s.normalizedNameId, ssoId: s.subjectXml, uid });
      }
      const changes: Partial<Omit<User, 'id'>> = {
        name: v.wire.name,
        handle: v.wire.handle,
        emailUnvalidated: v.wire.email,
        language: v.wire.language,
        status: statusFor(cur.user.status, v.wire.active),
        ssoId: identity.ssoId,
        // A takeover puts the user under SCIM control, as spar's first read did.
        managedBy: 'scim',
      };
      await this.identity.users.update(uid, changes);
      if (handleChanged && oldHandle) await this.identity.users.releaseHandle(oldHandle, uid);
      await this.identity.users.putRichInfo(uid, JSON.stringify({ version: 0, fields: v.wire.richInfo }));
      let role = cur.role;
      if (v.wire.role) {
        const member = await this.identity.teams.getMember(team, uid);
        if (member && member.role !== v.wire.role) await this.identity.teams.setRole(team, uid, v.wire.role);
        if (member) role = v.wire.role;
      }
      const times = await this.spar.scimUserTimes.get(uid);
      await this.spar.scimUserTimes.put({ uid, createdAt: times?.createdAt ?? now, lastUpdatedAt: now });
      return {
        ...this.view({ ...cur.user, ...changes } as User, v.doc, role),
        stored: true,
        rowVersion: version,
        created: times?.createdAt ?? now,
        lastModified: now,
      };
    }
    throw new ScimError('conflict', 'The user is being changed by other requests at the same time; try again');
  }

  /** Whether the stored document holds this userName (as a handle) or externalId. */
  private async docHolds(uid: UserId, attribute: 'userName' | 'externalId', value: string): Promise<boolean> {
    const row = await this.docs.get(uid);
    const v = row ? getIgnoreCase(JSON.parse(row.doc) as JsonObject, attribute) : undefined;
    return typeof v === 'string' && (attribute === 'userName' ? v.toLowerCase() === value : v === value);
  }

  /** Idempotent; other teams' users and unknown ids are a silent no-op (nothing leaks). */
  async delete(token: ScimTokenRecord, id: string, pre: Preconditions): Promise<void> {
    const team = token.team;
    const cur = await this.load(team, id);
    if (!cur) return;
    if (!ifMatchPasses(pre.ifMatch, cur.version)) throw precondition();
    const uid = cur.user.id;
    const eid = typeof cur.doc['externalId'] === 'string' ? cur.doc['externalId'] : null;
    const key = samlKeyOf(cur.user.ssoId);
    await this.leaveGroups(team, uid);
    if (key) await this.spar.samlUsers.delete(key.issuer, key.normalizedNameId);
    if (eid !== null) await this.spar.scimExternal.release(team, eid, uid);
    await this.spar.scimUserTimes.delete(uid);
    await this.identity.teams.removeMember(team, uid);
    await this.docs.delete(uid);
    await this.identity.users.delete(uid);
    if (cur.user.handle) await this.identity.users.releaseHandle(cur.user.handle, uid);
  }

  /** A deleted user leaves every group it was in (found through the reverse rows). */
  private async leaveGroups(team: TeamId, uid: UserId): Promise<void> {
    const now = this.clock.now();
    await Promise.all(
      (await this.groups.groupsOf(team, uid)).map(async (gid) => {
        await this.groups.removeMembers(team, gid, [uid]);
        await this.groups.touchMembers(team, gid, randomUUID(), now);
      }),
    );
  }
}
