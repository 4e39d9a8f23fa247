import type { IdpId, TeamId, UserId } from '@sso/domain';
import type { IdentityStores, IdpDomainStore, IdpLoginOptionsStore, IdpMetadataSourceStore, IdpRecord, SparStores } from '@sso/persistence';

/** spar's `ScimUserInfo`: `created_on` (milliseconds, UTC) only when SCIM times exist. */
export interface ScimUserInfo {
  id: UserId;
  created_on?: string;
}

/** How many `user_v2` rows one page of an issuer's partition holds (spar deletes IdP users in pages too). */
const PAGE = 500;

/** spar's internal API behind the routes galley and brig call (apps/saml-sp serves all of them). */
export class InternalApiHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly sources: IdpMetadataSourceStore,
    private readonly loginOptions: IdpLoginOptionsStore,
    private readonly domains: IdpDomainStore,
  ) {}

  /**
   * galley's cleanup call before a team is deleted: the team's SCIM tokens, then for each of its
   * IdPs the `user_v2` rows of its issuer and the IdP itself (config, lookups, default code, and
   * what we keep beside spar's tables, its multi-ingress domain claim). Idempotent: a second call, or a call for a team spar never
   * knew, finds nothing and answers the same. Each IdP goes last, after its users, so a call that
   * fails half-way is finished by the next one (the IdP is still listed).
   */
  async deleteTeam(team: TeamId): Promise<void> {
    await this.spar.scimTokens.deleteAllByTeam(team);
    for (const idp of await this.spar.idps.listByTeam(team)) {
      await this.deleteUsersOf(idp);
      await this.loginOptions.delete(idp.id);
      await this.sources.delete(idp.id);
      // spar leaves the raw XML behind; nothing reads it once the IdP is gone.
      await this.spar.idps.deleteRawMetadata(idp.id);
      if (idp.domain !== null) await this.domains.release(team, idp.domain, idp.id);
      // The IdP itself last: until it is gone, a retry lists it and finishes the rest.
      await this.spar.idps.delete(idp.id);
    }
  }

  /**
   * spar drops the whole `user_v2` partition of the issuer. A v2 issuer may also be in use by
   * another team's IdP; then only rows of this team's users go, so the other team keeps its logins.
   */
  private async deleteUsersOf(idp: IdpRecord): Promise<void> {
    const shared = (await this.spar.idps.findByIssuer(idp.issuer)).some((o) => o.team !== idp.team && o.id !== (idp.id as IdpId));
    if (!shared) {
      await this.spar.samlUsers.deleteAllByIssuer(idp.issuer);
      return;
    }
    let cursor: string | null = null;
    do {
      const page = await this.spar.samlUsers.listByIssuer(idp.issuer, { cursor, limit: PAGE });
      for (const row of page.items) {
        if ((await this.identity.teams.teamOf(row.uid)) === idp.team) await this.spar.samlUsers.delete(idp.issuer, row.normalizedNameId);
      }
      cursor = page.cursor;
    } while (cursor);
  }

  /** brig's question: when did SCIM create this user (`scim_user_times`)? Any uid answers 200. */
  async scimUserInfo(uid: UserId): Promise<ScimUserInfo> {
    const times = await this.spar.scimUserTimes.get(uid);
    return times ? { id: uid, created_on: times.createdAt.toISOString() } : { id: uid };
  }
}
