import type { Clock, TeamId, User, UserId } from '@sso/domain';
import {
  type IdentityStores,
  type ScimTokenRecord,
  type ScimUserDocStore,
  type SparStores,
  type StampSwap,
  stampChain,
  swapsOf,
  userStampKey,
} from '@sso/persistence';
import {
  type JsonObject,
  ScimError,
  applyPatch,
  clone,
  getIgnoreCase,
  ifMatchPasses,
  ifNoneMatchPasses,
  parsePatchRequest,
  userResourceSchema,
} from '@sso/scim';
import { type Preconditions, preconditionFailed as precondition } from '../common/preconditions';
import { type SamlIdentity, samlKeyOf } from './sso-identity';
import type { ScimUserEmails } from './user-emails';
import { type UserClaims, settleAll, taken } from './user-claims';
import { reconcileRichInfo, statusFor } from './user-input';
import { type LoadedUser, type UserReader, userNotFound, versionOf } from './user-reader';

/**
 * PUT and PATCH /Users/:id (docs/spar-behaviour.md §5.4): both compute the new document from the
 * current one and go through one compare-and-set write; a user SCIM has not written yet (created
 * by SSO) is taken over by it.
 */
export class UpdateUser {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly clock: Clock,
    private readonly reader: UserReader,
    private readonly claims: UserClaims,
    private readonly emails: ScimUserEmails,
  ) {}

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
   * The user a write starts from. The first attempt may take it from the validated cache
   * (docs/decisions.md, "PATCH and PUT start from the validated cache"): it differs from a fresh
   * read only while another write has landed but not yet replaced its stamp, and then the
   * document's compare-and-set fails and the next attempt reads Cassandra. A cached user that
   * fails the client's precondition, or is missing, is read again from Cassandra before the
   * answer, so the cache never causes a 412 or 404 that a fresh read would not.
   */
  private async current(team: TeamId, id: string, pre: Preconditions, cached: boolean): Promise<{ cur: LoadedUser; stamp: string | null }> {
    if (cached) {
      const { user: hit, stamp } = await this.reader.loadStamped(team, id);
      if (hit && ifMatchPasses(pre.ifMatch, hit.version) && ifNoneMatchPasses(pre.ifNoneMatch, hit.version)) return { cur: hit, stamp };
    }
    const cur = await this.reader.load(team, id);
    if (!cur) throw userNotFound(id);
    return { cur, stamp: null };
  }

  /**
   * Read, compute, compare-and-set. The document's LWT on `version` is the point where a write
   * takes effect: with If-Match a lost race is 412; without, the write is recomputed on the new
   * state (so concurrent PATCHes never lose each other's changes).
   */
  private async write(token: ScimTokenRecord, id: string, pre: Preconditions, next: (cur: LoadedUser) => unknown): Promise<LoadedUser> {
    const team = token.team;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { cur, stamp } = await this.current(team, id, pre, attempt === 0);
      if (!ifMatchPasses(pre.ifMatch, cur.version) || !ifNoneMatchPasses(pre.ifNoneMatch, cur.version)) throw precondition();
      const v = this.claims.validate(token, reconcileRichInfo(cur.doc, next(cur)));
      const uid = cur.user.id;
      const version = versionOf(uid, v.doc);
      const identity = await this.claims.identityOf(token, v.wire.externalId);
      // An unchanged document still takes the user under this token's IdP (spar: a PUT binds the
      // user to the token's IdP); that is how users provisioned by an unbound token are recovered.
      const rebind = cur.user.ssoId !== identity.ssoId;
      // brig's status can differ from a stored `active` (an invitation accepted after SCIM wrote
      // `active: false`): an unchanged document still writes the status.
      const statusChanged = statusFor(cur.user.status, v.wire.active) !== cur.user.status;
      if (version === cur.rowVersion && !rebind && !statusChanged) return cur;

      // The handle the document holds: brig's row is written after the document and may still
      // show the one before a concurrent write that just won. A user SCIM never wrote has brig's.
      const docName = getIgnoreCase(cur.doc, 'userName');
      const oldHandle = cur.rowVersion !== null && typeof docName === 'string' ? docName.toLowerCase() : cur.user.handle;
      const oldEid = typeof cur.doc['externalId'] === 'string' ? cur.doc['externalId'] : null;
      const handleChanged = oldHandle !== v.wire.handle;
      // Taking over a user SCIM has not written yet (SSO-created): its externalId has no
      // scim_external row, so it is claimed even when unchanged.
      const eidChanged = oldEid !== v.wire.externalId || cur.rowVersion === null;
      // The times go with the document, under its compare-and-set: meta.lastModified is that of
      // the version shown.
      const times = { createdAt: cur.created, lastUpdatedAt: this.clock.now() };
      const undo: Array<() => Promise<unknown>> = [];
      const rollback = async () => {
        for (const f of undo.reverse()) await f().catch(() => undefined);
      };
      const docJson = JSON.stringify(v.doc);
      let docWrite: Promise<unknown> | null = null;
      try {
        // externalId first, then userName: the order creates claim them in (create-user.ts), with
        // the same leftover rule for a dead user's userName.
        let leftoverOf: UserId | null = null;
        if (eidChanged) {
          const claim = await this.claims.claimExternalId(team, v.wire.externalId, uid);
          const fresh = claim.creating;
          leftoverOf = claim.leftoverOf;
          // Only a row this write inserted is released (a taken-over SCIM user already held its
          // own), and not when a concurrent write of this user won with the same externalId.
          undo.push(async () => {
            if (fresh && !(await this.docHolds(uid, 'externalId', v.wire.externalId)))
              await this.spar.scimExternal.release(team, v.wire.externalId, uid);
          });
        }
        if (handleChanged) {
          if (!(await this.claims.claimHandle(v.wire.handle, uid, leftoverOf))) throw taken('userName');
          // A concurrent write of this user with the same userName holds the same claim: when it
          // won, the claim is its, and stays.
          undo.push(async () => {
            if (!(await this.docHolds(uid, 'userName', v.wire.handle))) await this.identity.users.releaseHandle(v.wire.handle, uid);
          });
        }
        if (eidChanged || rebind) {
          if (identity.saml) {
            const existing = await this.spar.samlUsers.get(identity.saml.issuer, identity.saml.normalizedNameId);
            if (existing && existing.uid !== uid && (await this.identity.users.get(existing.uid))) throw taken('externalId');
          }
        }
        const row = { uid, doc: docJson, version, times };
        const casWrite = cur.rowVersion !== null ? this.docs.replace(row, cur.rowVersion) : this.docs.create(row);
        docWrite = casWrite;
        const cas = await casWrite;
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
      if (eidChanged) {
        await this.spar.scimExternal.markCreated(team, v.wire.externalId, uid);
        if (oldEid !== null && oldEid !== v.wire.externalId) await this.spar.scimExternal.release(team, oldEid, uid);
      }
      const oldKey = samlKeyOf(cur.user.ssoId);
      if (
        oldKey &&
        (!identity.saml || oldKey.issuer !== identity.saml.issuer || oldKey.normalizedNameId !== identity.saml.normalizedNameId)
      ) {
        await this.spar.samlUsers.delete(oldKey.issuer, oldKey.normalizedNameId);
      }
      // The SAML identity's row is written when the identity changes (or the user is taken over);
      // an unchanged one was written with it (docs/decisions.md, "A PATCH keeps what it wrote").
      if (identity.saml && (eidChanged || rebind)) {
        const s = identity.saml;
        await this.spar.samlUsers.insert({ issuer: s.issuer, normalizedNameId: s.normalizedNameId, ssoId: s.subjectXml, uid });
      }
      const sameEmail = v.wire.email === (cur.user.emailUnvalidated ?? cur.user.email);
      const email = await this.emails.forChange(token, cur.user, v.wire.email, v.wire.role ?? cur.role ?? 'member');
      const changes: Partial<Omit<User, 'id'>> = {
        name: v.wire.name,
        handle: v.wire.handle,
        ...email.value,
        language: v.wire.language,
        status: statusFor(cur.user.status, v.wire.active),
        ssoId: identity.ssoId,
        // A takeover puts the user under SCIM control, as spar's first read did.
        managedBy: 'scim',
      };
      // brig's row and its rich info in one statement (one partition: docs/decisions.md, "A cheaper create and PATCH").
      // With spar's times, at once (no order between the two; their stamps go out together).
      const userWrite = this.identity.users.updateWithRichInfo(uid, changes, JSON.stringify({ version: 0, fields: v.wire.richInfo }));
      const timesWrite = this.spar.scimUserTimes.put({ uid, ...times });
      await settleAll([userWrite, timesWrite]);
      await email.after();
      if (handleChanged && oldHandle) await this.identity.users.releaseHandle(oldHandle, uid);
      // The document shows galley's role, so a write that does not change `roles` carries the role
      // it read: only a role the request changed is written, or a concurrent change (in team
      // settings, or by another SCIM write) would be undone.
      let role = cur.role;
      const roleChanged = !!v.wire.role && v.wire.role !== (cur.role ?? 'member');
      if (roleChanged && v.wire.role) {
        const member = await this.identity.teams.getMember(team, uid);
        if (member && member.role !== v.wire.role) await this.identity.teams.setRole(team, uid, v.wire.role);
        if (member) role = v.wire.role;
      }
      // The chain of this write's stamps, when it wrote only what the user view holds
      // (docs/decisions.md, "A PATCH keeps what it wrote"): no key, identity, email or role moved,
      // so its only writes after the compare-and-set are the three stamped ones.
      const chained =
        stamp !== null && !handleChanged && !eidChanged && !rebind && sameEmail && !roleChanged && docWrite !== null
          ? chainEnd(uid, stamp, [docWrite, userWrite, timesWrite])
          : null;
      // A DELETE of this user that ran since the compare-and-set removed the document first (by
      // compare-and-set as well, delete-user.ts); what this write put back after it goes again.
      // An unbroken chain proves there was none: a DELETE replaces the stamp right after removing
      // the document and before it removes anything else, so it would have broken the chain, or
      // it removes the rows written here after they landed.
      if (chained === null && !(await this.docs.get(uid))) {
        await this.forgetDeleted(team, uid, v.wire.handle, eidChanged ? v.wire.externalId : null, identity.saml);
        throw userNotFound(id);
      }
      const written: LoadedUser = {
        ...this.reader.view(updated(cur.user, changes), JSON.parse(docJson) as JsonObject, role),
        rowVersion: version,
        created: times.createdAt,
        lastModified: times.lastUpdatedAt,
      };
      // The user as written is the user under the stamp these writes left: no other write of it
      // replaced the stamp since the one it was read under.
      if (chained !== null) this.reader.keepWritten(team, written, chained);
      return written;
    }
    throw new ScimError('conflict', 'The user is being changed by other requests at the same time; try again');
  }

  /** Undoes the rows a write put back for a user deleted meanwhile (every delete is idempotent). */
  private async forgetDeleted(
    team: TeamId,
    uid: UserId,
    handle: string,
    externalId: string | null,
    saml: SamlIdentity | null,
  ): Promise<void> {
    await this.spar.scimUserTimes.delete(uid);
    await this.identity.users.delete(uid);
    await this.identity.users.releaseHandle(handle, uid);
    if (externalId !== null) await this.spar.scimExternal.release(team, externalId, uid);
    if (saml) {
      const row = await this.spar.samlUsers.get(saml.issuer, saml.normalizedNameId);
      if (row?.uid === uid) await this.spar.samlUsers.delete(saml.issuer, saml.normalizedNameId);
    }
  }

  /** Whether the stored document holds this userName (as a handle) or externalId. */
  private async docHolds(uid: UserId, attribute: 'userName' | 'externalId', value: string): Promise<boolean> {
    const row = await this.docs.get(uid);
    const v = row ? getIgnoreCase(JSON.parse(row.doc) as JsonObject, attribute) : undefined;
    return typeof v === 'string' && (attribute === 'userName' ? v.toLowerCase() === value : v === value);
  }
}

/** The stamp of `uid` after `writes`, when their swaps are an unbroken chain from `from` (persistence `stampChain`), else null. */
function chainEnd(uid: UserId, from: string, writes: ReadonlyArray<Promise<unknown>>): string | null {
  const swaps: StampSwap[] = [];
  for (const w of writes) {
    const s = swapsOf(w);
    if (!s) return null; // a write that could not stamp
    swaps.push(...s);
  }
  return stampChain(userStampKey(uid), from, swaps);
}

/** brig's row after `update(changes)`: as the stores apply it, a column left undefined keeps its value. */
function updated(user: User, changes: Partial<Omit<User, 'id'>>): User {
  const out = { ...user } as Record<string, unknown>;
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) out[k] = v;
  return out as unknown as User;
}
