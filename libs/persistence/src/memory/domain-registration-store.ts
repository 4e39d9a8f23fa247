import type { Clock, IdpId, TeamId } from '@sso/domain';
import type { DomainChallenge, DomainRegistration, DomainRegistrationStore } from '../ports/domain-registration-store';

export class MemoryDomainRegistrationStore implements DomainRegistrationStore {
  private readonly challenges = new Map<string, { challenge: DomainChallenge; expires: number }>();
  private readonly registrations = new Map<string, DomainRegistration>();

  constructor(private readonly clock: Clock) {}

  async putChallenge(team: TeamId, domain: string, challenge: DomainChallenge, ttlSeconds: number): Promise<void> {
    this.challenges.set(`${team}|${domain}`, { challenge: { ...challenge }, expires: this.clock.now().getTime() + ttlSeconds * 1000 });
  }

  async getChallenge(team: TeamId, domain: string): Promise<DomainChallenge | null> {
    const c = this.challenges.get(`${team}|${domain}`);
    return c && c.expires > this.clock.now().getTime() ? { ...c.challenge } : null;
  }

  async register(reg: DomainRegistration): Promise<DomainRegistration> {
    const held = this.registrations.get(reg.domain);
    if (held) return { ...held };
    this.registrations.set(reg.domain, { ...reg });
    return { ...reg };
  }

  async get(domain: string): Promise<DomainRegistration | null> {
    const r = this.registrations.get(domain);
    return r ? { ...r } : null;
  }

  async setIdp(domain: string, team: TeamId, idp: IdpId | null): Promise<boolean> {
    const r = this.registrations.get(domain);
    if (!r || r.team !== team) return false;
    r.idp = idp;
    return true;
  }

  async release(domain: string, team: TeamId): Promise<boolean> {
    const r = this.registrations.get(domain);
    if (!r || r.team !== team) return false;
    this.registrations.delete(domain);
    return true;
  }

  async listByTeam(team: TeamId): Promise<DomainRegistration[]> {
    return [...this.registrations.values()]
      .filter((r) => r.team === team)
      .sort((a, b) => a.domain.localeCompare(b.domain))
      .map((r) => ({ ...r }));
  }
}
