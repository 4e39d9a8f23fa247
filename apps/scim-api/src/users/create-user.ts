import { type Clock, newUserId } from '@sso/domain';
import type { IdentityStores, ScimTokenRecord, ScimUserDocStore, SparStores, TeamCounts } from '@sso/persistence';
import { type UserClaims, settleAll, taken } from './user-claims';
import { ScimError } from '@sso/scim';
import { type ValidatedUser, scimUserRecord } from './user-input';
import type { DeleteUser } from './delete-user';
import type { ScimUserEmails } from './user-emails';
import { type LoadedUser, type UserReader, versionOf } from './user-reader';

/**
 * POST /Users (docs/spar-behaviour.md §5.4): the unique keys are claimed with LWTs first and
 * released when a later step fails; the rows are written so that no reader sees a user without
 * its document.
 */
export class CreateUser {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly clock: Clock,
    private readonly reader: UserReader,
    private readonly claims: UserClaims,
    private readonly emails: ScimUserEmails,
    private readonly deleteUser: DeleteUser,
    private readonly counts?: TeamCounts,
  ) {}

  async create(token: ScimTokenRecord, body: unknown): Promise<LoadedUser> {
    const v = this.claims.validate(token, body);
    try {
      return await this.attempt(token, v);
    } catch (e) {
      // A pending user whose invitation expired is cleaned up as DELETE does, then created anew.
      // Such a user holds the externalId (and usually the userName), so it is looked for only
      // when a unique key was taken, not before every create (docs/decisions.md, "A cheaper
      // create and PATCH"); the first attempt has released whatever it claimed.
      if (!(e instanceof ScimError) || e.code !== 'uniqueness') throw e;
      const stale = await this.emails.staleInvitee(token.team, v.wire.externalId);
      if (!stale) throw e;
      await this.deleteUser.delete(token, stale, {});
      return this.attempt(token, v);
    }
  }

  private async attempt(token: ScimTokenRecord, v: ValidatedUser): Promise<LoadedUser> {
    const team = token.team;
    const uid = newUserId();
    const { saml, ssoId } = await this.claims.identityOf(token, v.wire.externalId);
    const undo: Array<() => Promise<unknown>> = [];
    const rollback = async () => {
      for (const f of undo.reverse()) await f().catch(() => undefined);
    };
    try {
      // The unique keys are claimed in one order, externalId first, and the userName only by the
      // holder of the externalId: two creates of one user never each hold one key and both fail
      // (docs/decisions.md, "Unique keys claimed in one order"). With an IdP, the SAML identity is
      // checked while the externalId is claimed.
      const [eidClaim, samlOwner] = await Promise.allSettled([
        this.claims.claimExternalId(team, v.wire.externalId, uid),
        saml ? this.claims.samlIdentityTaken(saml, uid) : Promise.resolve(false),
      ]);
      if (eidClaim.status === 'rejected') throw eidClaim.reason;
      undo.push(() => this.spar.scimExternal.release(team, v.wire.externalId, uid));
      if (samlOwner.status === 'rejected') throw samlOwner.reason;
      if (samlOwner.value) throw taken('externalId');
      // A dead user's externalId taken over means its userName claim may be left too (its
      // deletion halfway, or stopped): that one is freed (docs/decisions.md, "A deleted user's
      // externalId is released last").
      if (!(await this.claims.claimHandle(v.wire.handle, uid, eidClaim.value.leftoverOf))) throw taken('userName');
      undo.push(() => this.identity.users.releaseHandle(v.wire.handle, uid));

      const now = this.clock.now();
      const email = await this.emails.forNewUser(token, scimUserRecord(uid, team, v, ssoId), v.wire.role ?? 'member');
      const user = email.value;
      // A pending invitation is stored as SCIM shows it: `active: false` (user-view.ts `present`).
      const doc = user.status === 'pending-invitation' ? { ...v.doc, active: false } : v.doc;
      const version = versionOf(uid, doc);
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
      const times = { uid, createdAt: now, lastUpdatedAt: now };
      await settleAll([
        this.docs.insertNew({ uid, doc: JSON.stringify(doc), version, times: { createdAt: now, lastUpdatedAt: now } }),
        // With an IdP, the times and the SAML identity (two plain spar writes) go as one request.
        saml
          ? this.spar.scimUserTimes.putWithSamlUser(times, {
              issuer: saml.issuer,
              normalizedNameId: saml.normalizedNameId,
              ssoId: saml.subjectXml,
              uid,
            })
          : this.spar.scimUserTimes.put(times),
        v.wire.richInfo.length > 0
          ? this.identity.users.putRichInfo(uid, JSON.stringify({ version: 0, fields: v.wire.richInfo }))
          : undefined,
      ]);
      await settleAll([
        this.identity.users.put(user),
        this.identity.teams.addMember({ team, user: uid, role: v.wire.role ?? 'member', invitedBy: null, invitedAt: now }),
      ]);
      undo.push(() => this.emails.forget(team, user));
      await email.after();
      await this.spar.scimExternal.markCreated(team, v.wire.externalId, uid);
      // Counted once the create can no longer be undone (docs/decisions.md, "Counts for index paging").
      await this.counts?.changed(team, 'users', 1);
      const role = v.wire.role ?? 'member';
      return { ...this.reader.view(user, doc, role), rowVersion: version, created: now, lastModified: now };
    } catch (e) {
      await rollback();
      throw e;
    }
  }
}
