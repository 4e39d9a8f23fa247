import { randomUUID } from 'node:crypto';
import { type Clock, type TeamId, type User, type UserId, isUuid, newUserId, userId } from '@sso/domain';
import type { IdentityStores, ScimGroupStore, ScimTokenRecord, ScimUserDoc, ScimUserDocStore, SparStores } from '@sso/persistence';
import {
  type JsonObject,
  ScimError,
  applyPatch,
  clone,
  computeETag,
  ifMatchPasses,
  ifNoneMatchPasses,
  parsePatchRequest,
  userResourceSchema,
} from '@sso/scim';
import { type Preconditions, preconditionFailed as precondition } from '../common/preconditions';
import { type SamlIdentity, samlIdentity, samlKeyOf, scimExternalSsoId } from './sso-identity';
import { type ValidatedUser, reconcileRichInfo, scimUserRecord, statusFor, validateUser } from './user-input';

export interface UsersSettings {
  richInfoLimit: number;
}

/** A SCIM user as stored: brig's row, the SCIM document and its version (the ETag). */
export interface LoadedUser {
  user: User;
  doc: JsonObject;
  version: string;
  /** False for a SCIM user written before the document table existed (synthesised from brig). */
  stored: boolean;
  created: Date;
  lastModified: Date;
}

const notFound = (id: string) => new ScimError(undefined, `User ${id} not found`, 404);
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

  /** The team's SCIM-managed user, or null (other teams' and non-SCIM users are invisible). */
  async load(team: TeamId, id: string): Promise<LoadedUser | null> {
    if (!isUuid(id)) return null;
    const uid = userId(id);
    const [user, row, times] = await Promise.all([this.identity.users.get(uid), this.docs.get(uid), this.spar.scimUserTimes.get(uid)]);
    if (!user) return null;
    return this.assemble(team, user, row, times?.createdAt, times?.lastUpdatedAt);
  }

  /** Whether brig's row is a SCIM resource of the team (what assemble checks first). */
  static visibleIn(team: TeamId, user: User): boolean {
    return user.team === team && user.managedBy === 'scim' && user.status !== 'deleted';
  }

  /** Turns stored rows into a LoadedUser, or null when the user is not the team's SCIM user. */
  assemble(team: TeamId, user: User, row: ScimUserDoc | null | undefined, created?: Date, lastModified?: Date): LoadedUser | null {
    if (!UsersHandler.visibleIn(team, user)) return null;
    const now = this.clock.now();
    if (row) {
      const doc = JSON.parse(row.doc) as JsonObject;
      return { user, doc, version: row.version, stored: true, created: created ?? now, lastModified: lastModified ?? created ?? now };
    }
    const doc = this.synthesise(user);
    return { user, doc, version: versionOf(user.id, doc), stored: false, created: created ?? now, lastModified: lastModified ?? created ?? now };
  }

  /** A document for a SCIM user that has none yet: what brig knows. */
  private synthesise(user: User): JsonObject {
    let externalId: string | undefined;
    try {
      const s = JSON.parse(user.ssoId ?? 'null') as { scim_external_id?: unknown } | null;
      if (s && typeof s.scim_external_id === 'string') externalId = s.scim_external_id;
    } catch {
      /* not JSON: leave it out */
    }
    const key = samlKeyOf(user.ssoId);
    const doc: JsonObject = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: user.handle ?? user.id,
      displayName: user.name,
      active: user.status !== 'suspended' && user.status !== 'pending-invitation',
    };
    const eid = externalId ?? key?.normalizedNameId;
    if (eid !== undefined) doc['externalId'] = eid;
    const email = user.emailUnvalidated ?? user.email;
    if (email) doc['emails'] = [{ value: email, primary: true }];
    if (user.language) doc['preferredLanguage'] = user.language;
    return doc;
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
    if (!idp) throw new ScimError(undefined, "The SCIM token's identity provider no longer exists", 400);
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
      return { user, doc, version, stored: true, created: now, lastModified: now };
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
   * create in flight and is a conflict.
   */
  private async claimExternalId(team: TeamId, externalId: string, uid: UserId): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const c = await this.spar.scimExternal.claim(team, externalId, uid);
      if (c.ok) return;
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
      if (version === cur.version && cur.stored) return cur;

      const oldHandle = cur.user.handle;
      const oldEid = typeof cur.doc['externalId'] === 'string' ? cur.doc['externalId'] : null;
      const handleChanged = oldHandle !== v.wire.handle;
      const eidChanged = oldEid !== v.wire.externalId;
      const identity = await this.identityOf(token, v.wire.externalId);
      const undo: Array<() => Promise<unknown>> = [];
      const rollback = async () => {
        for (const f of undo.reverse()) await f().catch(() => undefined);
      };
      try {
        if (handleChanged) {
          const h = await this.identity.users.claimHandle(v.wire.handle, uid);
          if (!h.ok) throw taken('userName');
          undo.push(() => this.identity.users.releaseHandle(v.wire.handle, uid));
        }
        if (eidChanged) {
          await this.claimExternalId(team, v.wire.externalId, uid);
          undo.push(() => this.spar.scimExternal.release(team, v.wire.externalId, uid));
          if (identity.saml) {
            const existing = await this.spar.samlUsers.get(identity.saml.issuer, identity.saml.normalizedNameId);
            if (existing && existing.uid !== uid && (await this.identity.users.get(existing.uid))) throw taken('externalId');
          }
        }
        const row = { uid, doc: JSON.stringify(v.doc), version };
        const cas = cur.stored ? await this.docs.replace(row, cur.version) : await this.docs.create(row);
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
        if (oldEid !== null) await this.spar.scimExternal.release(team, oldEid, uid);
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
      };
      await this.identity.users.update(uid, changes);
      if (handleChanged && oldHandle) await this.identity.users.releaseHandle(oldHandle, uid);
      await this.identity.users.putRichInfo(uid, JSON.stringify({ version: 0, fields: v.wire.richInfo }));
      if (v.wire.role) {
        const member = await this.identity.teams.getMember(team, uid);
        if (member && member.role !== v.wire.role) await this.identity.teams.setRole(team, uid, v.wire.role);
      }
      const times = await this.spar.scimUserTimes.get(uid);
      await this.spar.scimUserTimes.put({ uid, createdAt: times?.createdAt ?? now, lastUpdatedAt: now });
      return {
        user: { ...cur.user, ...changes } as User,
        doc: v.doc,
        version,
        stored: true,
        created: times?.createdAt ?? now,
        lastModified: now,
      };
    }
    throw new ScimError(undefined, 'The user is being changed by other requests at the same time; try again', 409);
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
