import type { IdpId, TeamId } from '@sso/domain';

/** Who holds a (team, domain) claim, and since when. */
export interface IdpDomainClaim {
  idp: IdpId;
  claimedAt: Date;
}

/**
 * Table `brig.idp_domain` (ours): multi-ingress allows one IdP per domain and team. spar checks
 * that with a read of the team's IdPs, so two concurrent uploads could both pass; here the
 * (team, domain) pair is claimed with a lightweight transaction before the IdP is written, as
 * issuers are. spar's `idp.domain` column stays the record of an IdP's domain.
 */
export interface IdpDomainStore {
  /**
   * Claims (team, domain) for `idp` (IF NOT EXISTS). Null when it is now `idp`'s (newly, or
   * already), else the current holder. Of several concurrent claims exactly one wins.
   */
  claim(team: TeamId, domain: string, idp: IdpId, now: Date): Promise<IdpDomainClaim | null>;
  /** Compare-and-set from a stale holder `from` to `idp`; false when `from` no longer holds it. */
  takeOver(team: TeamId, domain: string, from: IdpId, idp: IdpId, now: Date): Promise<boolean>;
  /** Deletes the claim only while `idp` holds it. */
  release(team: TeamId, domain: string, idp: IdpId): Promise<void>;
}
