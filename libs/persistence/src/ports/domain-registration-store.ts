import type { IdpId, TeamId } from '@sso/domain';

/** A verified domain: the one team that proved it, and the IdP its users are sent to (null: the team's only IdP). */
export interface DomainRegistration {
  domain: string;
  team: TeamId;
  idp: IdpId | null;
  verifiedAt: Date;
}

/** A team's pending proof of a domain: the value its DNS TXT record must carry. */
export interface DomainChallenge {
  token: string;
  created: Date;
}

/**
 * IdP discovery by email domain (ours; tables `brig.domain_registration`, `brig.domain_challenge`,
 * `brig.team_domain`, docs/data-model.md). A team asks for a challenge, puts its token in DNS, and
 * the first team to prove the domain registers it with a lightweight transaction: one domain, one
 * team. Pending challenges are per team and expire, so nobody can squat a domain without proving it.
 */
export interface DomainRegistrationStore {
  putChallenge(team: TeamId, domain: string, challenge: DomainChallenge, ttlSeconds: number): Promise<void>;
  getChallenge(team: TeamId, domain: string): Promise<DomainChallenge | null>;
  /** Registers the domain (IF NOT EXISTS); the registration in force afterwards, ours or another team's. */
  register(reg: DomainRegistration): Promise<DomainRegistration>;
  get(domain: string): Promise<DomainRegistration | null>;
  /** Points the domain at one of the team's IdPs (null: its only IdP); false when the team does not hold it. */
  setIdp(domain: string, team: TeamId, idp: IdpId | null): Promise<boolean>;
  /** Gives the domain up; false when the team does not hold it. */
  release(domain: string, team: TeamId): Promise<boolean>;
  /** The team's registrations (one partition read, then one keyed read each). */
  listByTeam(team: TeamId): Promise<DomainRegistration[]>;
}
