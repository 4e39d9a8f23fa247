import { type IdpId, emailDomain } from '@sso/domain';
import type { DomainRegistrationStore, IdpStore } from '@sso/persistence';

/** The rate-limit key of discovery lookups: one budget per client address, whichever door (token-admin, /sso/login). */
export const discoveryRateKey = (clientIp: string): string => `discovery:addr:${clientIp}`;

/**
 * IdP discovery by email (Wire's `get-domain-registration`): the IdP of the team that verified the
 * address's domain: the one the team chose for it, else its only IdP. Null when there is none, for
 * an unknown domain and for a verified one without a usable IdP alike, so the answer says nothing
 * about which domains are registered.
 */
export class IdpDiscovery {
  constructor(
    private readonly registrations: Pick<DomainRegistrationStore, 'get'>,
    private readonly idps: Pick<IdpStore, 'get' | 'listByTeam'>,
  ) {}

  async idpFor(email: string): Promise<IdpId | null> {
    const domain = emailDomain(email);
    if (domain === null) return null;
    const reg = await this.registrations.get(domain);
    if (!reg) return null;
    if (reg.idp !== null) {
      const idp = await this.idps.get(reg.idp);
      if (idp && idp.team === reg.team) return idp.id;
      // The chosen IdP was deleted or replaced: the team's only IdP, as when none was chosen.
    }
    const all = await this.idps.listByTeam(reg.team);
    return all.length === 1 ? all[0].id : null;
  }
}
