import { randomUUID } from 'node:crypto';
import type { Clock, TeamId, UserId } from '@sso/domain';
import type { IdentityStores, ScimGroupStore, ScimTokenRecord, ScimUserDocStore, SparStores } from '@sso/persistence';
import { ifMatchPasses } from '@sso/scim';
import { type Preconditions, preconditionFailed as precondition } from '../common/preconditions';
import { samlKeyOf } from './sso-identity';
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
  ) {}

  /** Idempotent; other teams' users and unknown ids are a silent no-op (nothing leaks). */
  async delete(token: ScimTokenRecord, id: string, pre: Preconditions): Promise<void> {
    const team = token.team;
    const cur = await this.reader.load(team, id);
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
