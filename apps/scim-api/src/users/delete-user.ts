import { randomUUID } from 'node:crypto';
import type { Clock, TeamId, UserId } from '@sso/domain';
import type { IdentityStores, ScimGroupStore, ScimTokenRecord, ScimUserDocStore, SparStores, TeamCounts } from '@sso/persistence';
import { ScimError, getIgnoreCase, ifMatchPasses } from '@sso/scim';
import { type Preconditions, preconditionFailed as precondition } from '../common/preconditions';
import { samlKeyOf } from './sso-identity';
import type { ScimUserEmails } from './user-emails';
import type { UserReader } from './user-reader';

/** DELETE /Users/:id (docs/spar-behaviour.md §5.4): every row of the user, its groups' memberships too. */
export class DeleteUser {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly groups: ScimGroupStore,
    private readonly clock: Clock,
    private readonly reader: UserReader,
    private readonly emails: ScimUserEmails,
    private readonly counts?: TeamCounts,
  ) {}

  /**
   * Idempotent; other teams' users and unknown ids are a silent no-op (nothing leaks). The document
   * goes first, by compare-and-set on the version read: a PUT or PATCH that lands in between makes
   * it fail, and the delete starts over from what that write left (its userName included); a write
   * that comes after finds no document and undoes itself (update-user.ts). Brig's row goes next, so
   * no reader takes the half-deleted user for one SSO created.
   */
  async delete(token: ScimTokenRecord, id: string, pre: Preconditions): Promise<void> {
    const team = token.team;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.reader.load(team, id);
      if (!cur) return;
      if (!ifMatchPasses(pre.ifMatch, cur.version)) throw precondition();
      const uid = cur.user.id;
      if (cur.rowVersion !== null && !(await this.docs.deleteIf(uid, cur.rowVersion)).ok) continue;
      await this.identity.users.delete(uid);
      try {
        await this.cleanUp(team, cur);
      } catch (e) {
        // A retry finds no user and answers 204: the count must not trust that the -1 happened.
        await this.counts?.doubt(team, 'users').catch(() => undefined);
        throw e;
      }
      return;
    }
    throw new ScimError('conflict', 'The user is being changed by other requests at the same time; try again');
  }

  /** Everything a deleted user leaves behind, after brig's row is gone. */
  private async cleanUp(team: TeamId, cur: NonNullable<Awaited<ReturnType<UserReader['load']>>>): Promise<void> {
    const uid = cur.user.id;
    const eid = typeof cur.doc['externalId'] === 'string' ? cur.doc['externalId'] : null;
    const key = samlKeyOf(cur.user.ssoId);
    await this.leaveGroups(team, uid);
    if (key) await this.spar.samlUsers.delete(key.issuer, key.normalizedNameId);
    await this.spar.scimUserTimes.delete(uid);
    // The one call that removes the membership uncounts the user (docs/decisions.md, "Counts for index paging").
    if (await this.identity.teams.removeMemberOnce(team, uid)) await this.counts?.changed(team, 'users', -1);
    // The handle brig shows, and the one the document names (brig's row follows the document,
    // so it can lag one write behind).
    const docName = getIgnoreCase(cur.doc, 'userName');
    const handles = new Set([cur.user.handle, typeof docName === 'string' ? docName.toLowerCase() : null]);
    for (const h of handles) if (h) await this.identity.users.releaseHandle(h, uid);
    // The externalId last, the reverse of the order a create claims them in: a create that wins it
    // finds the userName already free. Released first, it let a create of the same user claim the
    // externalId, find the userName still held and fail, while the create that deleted this user
    // then found the externalId taken: no winner (docs/decisions.md, "A deleted user's externalId is
    // released last").
    if (eid !== null) await this.spar.scimExternal.release(team, eid, uid);
    await this.emails.forget(team, cur.user);
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
