import { randomBytes } from 'node:crypto';
import { type IdpDiscovery, type TeamAccess, discoveryRateKey } from '@sso/auth';
import { type Clock, DomainError, type UserId, domainChallengeName, idpId, isUuid, normalizeDomain } from '@sso/domain';
import type { DomainRegistration, DomainRegistrationStore, SparStores } from '@sso/persistence';
import type { RateLimiter, TxtLookup } from '@sso/platform';

/** How long a challenge waits for its DNS record. */
export const CHALLENGE_TTL_SECONDS = 7 * 86_400;

export interface DomainView {
  domain: string;
  status: 'pending' | 'verified';
  /** The TXT record that proves the domain (while pending; kept for re-verification). */
  dns_record?: { type: 'TXT'; name: string; value: string };
  /** The IdP its users are sent to; null: the team's only IdP. */
  idp?: string | null;
  verified_at?: string;
}

export type DiscoveryAnswer = { domain_redirect: 'sso'; sso_code: string } | { domain_redirect: 'none' };

const verified = (r: DomainRegistration): DomainView => ({
  domain: r.domain,
  status: 'verified',
  idp: r.idp,
  verified_at: r.verifiedAt.toISOString(),
});

/**
 * Domain registration for IdP discovery: a team admin asks for a challenge, publishes its value as
 * a TXT record at `_wire-challenge.<domain>`, and verifies; the first team to prove the domain
 * holds it (one domain, one team). Users then find their company's IdP by their email address.
 */
export class DomainsHandler {
  constructor(
    private readonly store: DomainRegistrationStore,
    private readonly spar: SparStores,
    private readonly access: TeamAccess,
    private readonly discovery: IdpDiscovery,
    private readonly txt: TxtLookup,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly rule: { limit: number; windowSeconds: number },
  ) {}

  private domainOf(raw: string): string {
    const d = normalizeDomain(raw);
    if (!d) throw new DomainError('invalid-domain', `Not a domain name: ${JSON.stringify(raw.slice(0, 100))}`);
    return d;
  }

  /** A challenge for the caller's team (the same one until it expires), or the registration when the team holds the domain. */
  async challenge(caller: UserId, raw: string): Promise<DomainView> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    const domain = this.domainOf(raw);
    const held = await this.store.get(domain);
    if (held?.team === team) return verified(held);
    let challenge = await this.store.getChallenge(team, domain);
    if (!challenge) {
      challenge = { token: `wire-domain-verification=${randomBytes(24).toString('base64url')}`, created: this.clock.now() };
      await this.store.putChallenge(team, domain, challenge, CHALLENGE_TTL_SECONDS);
    }
    return { domain, status: 'pending', dns_record: { type: 'TXT', name: domainChallengeName(domain), value: challenge.token } };
  }

  /** Looks the TXT record up now; registers the domain for the team when it carries the challenge. */
  async verify(caller: UserId, raw: string): Promise<DomainView> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    const domain = this.domainOf(raw);
    const held = await this.store.get(domain);
    if (held?.team === team) return verified(held);
    const challenge = await this.store.getChallenge(team, domain);
    if (!challenge)
      throw new DomainError(
        'not-found',
        `No pending challenge for ${domain}: ask for one first (POST /domain-verification/${domain}/challenges)`,
      );
    const name = domainChallengeName(domain);
    let records: string[][];
    try {
      records = await this.txt(name);
    } catch (e) {
      throw new DomainError(
        'service-unavailable',
        `The DNS lookup of ${name} failed (${(e as NodeJS.ErrnoException).code ?? 'error'}); try again later`,
      );
    }
    if (!records.some((r) => r.join('') === challenge.token))
      throw new DomainError(
        'domain-verification-failed',
        `No TXT record at ${name} carries the challenge value yet (DNS changes can take a while to appear)`,
      );
    const reg = await this.store.register({ domain, team, idp: null, verifiedAt: this.clock.now() });
    if (reg.team !== team) throw new DomainError('domain-already-registered', `${domain} is registered by another team`);
    return verified(reg);
  }

  async list(caller: UserId): Promise<DomainView[]> {
    const team = await this.access.requireSsoAdmin(caller, 'ReadIdp');
    return (await this.store.listByTeam(team)).map(verified);
  }

  /** Which of the team's IdPs the domain's users go to; null: the team's only IdP. */
  async setIdp(caller: UserId, raw: string, idp: unknown): Promise<DomainView> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    const domain = this.domainOf(raw);
    if (idp !== null && (typeof idp !== 'string' || !isUuid(idp))) throw new DomainError('bad-request', '"idp" must be an IdP id or null');
    if (idp !== null) {
      const record = await this.spar.idps.get(idpId(idp));
      if (!record || record.team !== team) throw new DomainError('not-found', 'Could not find IdP.');
    }
    if (!(await this.store.setIdp(domain, team, idp === null ? null : idpId(idp))))
      throw new DomainError('not-found', `${domain} is not registered by your team`);
    return verified((await this.store.get(domain)) as DomainRegistration);
  }

  async release(caller: UserId, raw: string): Promise<void> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    const domain = this.domainOf(raw);
    if (!(await this.store.release(domain, team))) throw new DomainError('not-found', `${domain} is not registered by your team`);
  }

  /**
   * Wire's `get-domain-registration`: where a user with this email logs in. The same answer for an
   * unknown domain and a verified one without IdP; rate-limited per client address.
   */
  async discover(email: unknown, clientIp: string): Promise<DiscoveryAnswer> {
    if (typeof email !== 'string' || email.length > 320 || !email.includes('@'))
      throw new DomainError('bad-request', '"email" must be an email address');
    const d = await this.limiter.hit(discoveryRateKey(clientIp), this.rule.limit, this.rule.windowSeconds);
    if (!d.allowed)
      throw new DomainError('too-many-requests', 'Too many lookups; try again later', { retryAfterSeconds: d.retryAfterSeconds });
    const idp = await this.discovery.idpFor(email);
    return idp ? { domain_redirect: 'sso', sso_code: `wire-${idp}` } : { domain_redirect: 'none' };
  }
}
