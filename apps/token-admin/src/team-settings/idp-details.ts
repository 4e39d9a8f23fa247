import { X509Certificate } from 'node:crypto';
import type { TeamAccess } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock, TeamId, UserId } from '@sso/domain';
import type { IdentityStores, IdpMetadataSource, IdpMetadataSourceStore, IdpRecord, SparStores } from '@sso/persistence';
import { certFromKeyInfo, pemOf } from '@sso/saml';

/** Certificates that expire within this many days (or already have) are flagged. */
export const CERT_WARNING_DAYS = 30;
/** Rows per page when walking an issuer's `user_v2` partition. */
const BOUND_USERS_PAGE = 1000;
/** Parallel `user_team` reads while counting (each row's team is checked, as IdP delete does). */
const TEAM_CHECKS_IN_FLIGHT = 16;
const DAY_MS = 86_400_000;

export interface CertificateInfo {
  subject: string | null;
  /** Expiry (notAfter), ISO; null when the stored certificate cannot be read. */
  not_after: string | null;
  status: 'ok' | 'expiring' | 'expired' | 'unreadable';
}

export type MetadataSourceInfo =
  | { kind: 'upload' }
  | {
      kind: 'url';
      url: string;
      checked_at: string | null;
      applied_at: string | null;
      valid_until: string | null;
      last_error: string | null;
    };

export interface IdpDetails {
  id: string;
  handle: string;
  issuer: string;
  sso_code: string;
  login_url: string;
  sp_metadata_url: string;
  sp_entity_id: string;
  certificates: CertificateInfo[];
  /** The earliest expiry among the certificates, ISO, or null. */
  cert_expiry: string | null;
  /** The worst status among the certificates. */
  cert_status: CertificateInfo['status'];
  metadata_source: MetadataSourceInfo;
  bound_users: number;
}

export interface TeamSettingsDetails {
  team: string;
  public_url: string;
  sp_metadata_url: string;
  scim_base_url: string;
  scim_token_limit: number;
  cert_warning_days: number;
  idps: IdpDetails[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One stored `<ds:KeyInfo>` certificate: who it names and when it expires, relative to `now`. */
export function certificateInfo(keyInfo: string, now: Date): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pemOf(certFromKeyInfo(keyInfo)));
  } catch {
    return { subject: null, not_after: null, status: 'unreadable' };
  }
  const notAfter = new Date(Date.parse(cert.validTo));
  if (Number.isNaN(notAfter.getTime())) return { subject: cert.subject, not_after: null, status: 'unreadable' };
  const left = notAfter.getTime() - now.getTime();
  const status = left <= 0 ? 'expired' : left <= CERT_WARNING_DAYS * DAY_MS ? 'expiring' : 'ok';
  return { subject: cert.subject.replace(/\n/g, ', '), not_after: notAfter.toISOString(), status };
}

const SEVERITY: Record<CertificateInfo['status'], number> = { ok: 0, expiring: 1, unreadable: 2, expired: 3 };

export function sourceInfo(src: IdpMetadataSource | null): MetadataSourceInfo {
  if (!src) return { kind: 'upload' };
  return {
    kind: 'url',
    url: src.url,
    checked_at: iso(src.checkedAt),
    applied_at: iso(src.appliedAt),
    valid_until: iso(src.validUntil),
    last_error: src.lastError,
  };
}

/**
 * The public base URL (scheme, host, optional path prefix) the SSO routes live under:
 * `saml.spSsoUri` without its `/sso`, or in multi-ingress the configured SP of `host`.
 */
export function publicBaseUrl(config: Config, host: string | null): string | null {
  const domains = config.saml.spDomainConfigs;
  const ssoUri = domains ? (host ? domains[host.toLowerCase()]?.spSsoUri : undefined) : config.saml.spSsoUri;
  return ssoUri ? ssoUri.replace(/\/+$/, '').replace(/\/sso$/, '') : null;
}

/**
 * What the team-settings page shows about the team's IdPs beyond spar's JSON: certificate
 * expiry, where the metadata comes from, and how many users are bound. Read-only.
 */
export class IdpDetailsReader {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly sources: IdpMetadataSourceStore,
    private readonly access: TeamAccess,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  async forCaller(caller: UserId, zHost: string | undefined, fallbackBase: string): Promise<TeamSettingsDetails> {
    const team = await this.access.requireSsoAdmin(caller, 'ReadIdp');
    const idps = await this.spar.idps.listByTeam(team);
    const now = this.clock.now();
    const requestBase = publicBaseUrl(this.config, zHost ?? null) ?? fallbackBase;
    const details = await Promise.all(idps.map((idp, i) => this.details(idp, i, now, requestBase)));
    return {
      team,
      public_url: requestBase,
      sp_metadata_url: `${requestBase}/sso/metadata/${team}`,
      scim_base_url: `${requestBase}/scim/v2`,
      scim_token_limit: this.config.scim.maxScimTokens,
      cert_warning_days: CERT_WARNING_DAYS,
      idps: details,
    };
  }

  private async details(idp: IdpRecord, index: number, now: Date, requestBase: string): Promise<IdpDetails> {
    const base = (idp.domain ? publicBaseUrl(this.config, idp.domain) : null) ?? requestBase;
    const [source, bound] = await Promise.all([this.sources.get(idp.id), this.countBoundUsers(idp)]);
    const certificates = idp.certs.map((c) => certificateInfo(c, now));
    const expiries = certificates.map((c) => c.not_after).filter((d): d is string => d !== null);
    const v2 = idp.apiVersion === 2;
    return {
      id: idp.id,
      handle: idp.handle ?? `IdP ${index + 1}`,
      issuer: idp.issuer,
      sso_code: `wire-${idp.id}`,
      login_url: `${base}/sso/login?code=wire-${idp.id}`,
      sp_metadata_url: v2 ? `${base}/sso/metadata/${idp.team}` : `${base}/sso/metadata`,
      sp_entity_id: v2 ? `${base}/sso/finalize-login/${idp.team}` : `${base}/sso/finalize-login`,
      certificates,
      cert_expiry: expiries.sort()[0] ?? null,
      cert_status: certificates.reduce<CertificateInfo['status']>((w, c) => (SEVERITY[c.status] > SEVERITY[w] ? c.status : w), 'ok'),
      metadata_source: sourceInfo(source),
      bound_users: bound,
    };
  }

  /**
   * The users IdP delete would refuse to leave behind (docs/spar-behaviour.md, IdP delete): the
   * `user_v2` rows of the IdP's issuer whose user is in the IdP's team. Reads that one partition
   * (pages of 1000) plus one `user_team` row per user found; nothing else.
   */
  async countBoundUsers(idp: Pick<IdpRecord, 'issuer' | 'team'>): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page = await this.spar.samlUsers.listByIssuer(idp.issuer, { cursor, limit: BOUND_USERS_PAGE });
      count += await this.countInTeam(
        page.items.map((r) => r.uid),
        idp.team,
      );
      cursor = page.cursor;
    } while (cursor);
    return count;
  }

  private async countInTeam(users: UserId[], team: TeamId): Promise<number> {
    let n = 0;
    for (let i = 0; i < users.length; i += TEAM_CHECKS_IN_FLIGHT) {
      const teams = await Promise.all(users.slice(i, i + TEAM_CHECKS_IN_FLIGHT).map((u) => this.identity.teams.teamOf(u)));
      n += teams.filter((t) => t === team).length;
    }
    return n;
  }
}
