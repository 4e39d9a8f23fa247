import type { TeamAccess } from '@sso/auth';
import { type Clock, DomainError, type TeamId, type UserId, emailKey, idpId, isUuid, newIdpId } from '@sso/domain';
import type {
  IdentityStores,
  IdpApiVersion,
  IdpDomainStore,
  IdpLoginOptionsStore,
  IdpMetadataSourceStore,
  IdpRecord,
  SparStores,
} from '@sso/persistence';
import { type ActivityRecorder, recordByUser } from '@sso/platform';
import { type IdpMetadata, type MetadataFetcher, parseBrigSsoId, parseIdpMetadata } from '@sso/saml';
import { checkFetchedMetadata } from '../refresh-idp-metadata/idp-metadata-refresher';
import type { SpSelector } from '../sp-settings';
import { type IdpDto, idpJson } from './idp.dto';

/** The metadata as uploaded XML, or the https URL to fetch it from (and refresh it from later). */
export type MetadataInput = { xml: string } | { url: string };

export interface CreateIdpQuery {
  replaces?: string;
  api_version?: string;
  handle?: string;
  allow_idp_initiated?: string;
}

function flag(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new DomainError('bad-request', `${name} must be true or false`);
}

/**
 * A domain claim whose holder does not have that domain is left over from a request that failed
 * between claim and write (or from a team deletion) once it is this old; younger, it may be a
 * request still in flight.
 */
const DOMAIN_CLAIM_GRACE_MS = 120_000;

const duplicateDomain = () => new DomainError('idp-duplicate-domain-for-team', 'This team already has an IdP configured for this domain.');

/** API versions before v8 refuse a second IdP when the team has SCIM tokens (spar). */
const SCIM_EXCLUSIVITY_UNTIL = 8;

/** IdP management (docs/spar-behaviour.md §4), with the team checks spar lacks (docs/design.md §6.9). */
export class IdpHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly access: TeamAccess,
    private readonly sources: IdpMetadataSourceStore,
    private readonly loginOptions: IdpLoginOptionsStore,
    private readonly fetchMetadata: MetadataFetcher,
    private readonly clock: Clock,
    private readonly ssoByDefault: boolean,
    private readonly sps: SpSelector,
    private readonly domains: IdpDomainStore,
    /** The team activity log (absent: nothing is recorded). */
    private readonly activity?: Pick<ActivityRecorder, 'defer'>,
  ) {}

  private recordChange(caller: UserId, kind: 'idp.created' | 'idp.updated' | 'idp.deleted', idp: IdpRecord, detail: string): void {
    if (!this.activity) return;
    recordByUser(this.activity, this.identity.users, idp.team, caller, {
      kind,
      outcome: 'ok',
      subject: { type: 'idp', id: idp.id, ...(idp.handle ? { name: idp.handle } : {}) },
      idp: idp.id,
      detail,
    });
  }

  /**
   * Claims (team, domain) for the IdP with a lightweight transaction, so that of concurrent
   * uploads on one domain exactly one gets it; takes over a claim left behind by a failed request.
   */
  private async claimDomain(team: TeamId, domain: string, id: IdpRecord['id']): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const held = await this.domains.claim(team, domain, id, now);
      if (!held) return;
      const holder = await this.spar.idps.get(held.idp);
      const live = holder !== null && holder.team === team && holder.domain === domain;
      if (live || now.getTime() - held.claimedAt.getTime() < DOMAIN_CLAIM_GRACE_MS) throw duplicateDomain();
      if (await this.domains.takeOver(team, domain, held.idp, id, now)) return;
    }
    throw duplicateDomain();
  }

  /** Best effort: a claim left behind is taken over later (claimDomain). */
  private async releaseDomain(team: TeamId, domain: string | null, id: IdpRecord['id']): Promise<void> {
    if (domain !== null) await this.domains.release(team, domain, id).catch(() => undefined);
  }

  /**
   * Multi-ingress: one IdP per domain and team (spar's guard, a read as in spar). `self` is the IdP
   * being updated, which may keep its own domain.
   */
  private guardDomain(domain: string | null, team: IdpRecord[], self: IdpRecord['id'] | null): void {
    if (domain !== null && team.some((i) => i.domain === domain && i.id !== self)) throw duplicateDomain();
  }

  /** galley's `sso` feature gates IdP creation and update (not login), as in spar. */
  private async requireSsoFeature(team: TeamId): Promise<void> {
    const status = await this.identity.teams.ssoStatus(team);
    if (status === 'disabled' || (status === null && !this.ssoByDefault)) {
      throw new DomainError('sso-disabled', 'Please ask customer support to enable this feature for your team.');
    }
  }

  /** Parses uploaded XML, or fetches (after the caller is authorised) and checks URL metadata. */
  private async load(input: MetadataInput): Promise<{ xml: string; md: IdpMetadata; url: string | null }> {
    if ('xml' in input) return { xml: input.xml, md: parseIdpMetadata(input.xml), url: null };
    const xml = await this.fetchMetadata(input.url);
    const md = parseIdpMetadata(xml);
    checkFetchedMetadata(md, this.clock.now(), null);
    return { xml, md, url: input.url };
  }

  private async recordSource(idp: IdpRecord, url: string | null, md: IdpMetadata): Promise<void> {
    if (url === null) {
      await this.sources.delete(idp.id);
      return;
    }
    const now = this.clock.now();
    await this.sources.put({
      idp: idp.id,
      team: idp.team,
      url,
      checkedAt: now,
      appliedAt: now,
      validUntil: md.validUntil,
      lastError: null,
    });
  }

  /** `zHost`: the request's `Z-Host`; from API v8 on, a configured multi-ingress host becomes the IdP's domain. */
  async create(caller: UserId, input: MetadataInput, q: CreateIdpQuery, apiVersion: number, zHost?: string): Promise<IdpDto> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    await this.requireSsoFeature(team);
    // spar's v0-v7 create ignores Z-Host.
    const domain = apiVersion < SCIM_EXCLUSIVITY_UNTIL ? null : this.sps.domainOf(zHost);
    const { xml, md, url } = await this.load(input);
    const version = this.apiVersionOf(q.api_version);
    const handle = q.handle === undefined ? null : this.checkHandle(q.handle);
    const idpInitiated = flag(q.allow_idp_initiated, 'allow_idp_initiated') ?? false;
    const existing = await this.spar.idps.listByTeam(team);
    this.guardDomain(domain, existing, null);
    if (apiVersion < SCIM_EXCLUSIVITY_UNTIL && existing.length > 0 && (await this.spar.scimTokens.countByTeam(team)) > 0) {
      throw new DomainError('more-than-one-idp', 'A team with SCIM tokens can have only one IdP in this API version');
    }
    let replaced: IdpRecord | null = null;
    if (q.replaces !== undefined) {
      replaced = isUuid(q.replaces) ? await this.spar.idps.get(idpId(q.replaces)) : null;
      if (!replaced || replaced.team !== team) throw new DomainError('not-found', 'Could not find IdP.');
    }
    this.checkHttps(md.requestUri);
    await this.checkIssuerFree(md.issuer, team, version);
    const idp: IdpRecord = {
      id: newIdpId(),
      team,
      issuer: md.issuer,
      requestUri: md.requestUri,
      certs: md.certs,
      apiVersion: version,
      oldIssuers: replaced ? [replaced.issuer, ...replaced.oldIssuers].filter((i) => i !== md.issuer) : [],
      replacedBy: null,
      handle: handle ?? nextHandle(existing),
      domain,
    };
    if (domain !== null) await this.claimDomain(team, domain, idp.id);
    try {
      await this.writeClaimed(idp, 'idp-already-in-use', () => this.spar.idps.insert(idp));
    } catch (e) {
      await this.releaseDomain(team, domain, idp.id);
      throw e;
    }
    await this.spar.idps.putRawMetadata(idp.id, xml);
    if (url !== null) await this.recordSource(idp, url, md);
    if (replaced) await this.spar.idps.setReplacedBy(replaced.id, idp.id);
    if (idpInitiated) await this.loginOptions.setIdpInitiated(idp.id, true);
    // A new IdP has no options row; POST (the default) needs none.
    if (md.ssoBinding !== 'HTTP-POST') await this.loginOptions.setSsoBinding(idp.id, md.ssoBinding);
    this.recordChange(
      caller,
      'idp.created',
      idp,
      `IdP ${idp.handle ?? idp.id} was added (issuer ${idp.issuer}${replaced ? `, replacing ${replaced.handle ?? replaced.id}` : ''}).`,
    );
    return idpJson(idp, idp.handle ?? '', await this.sources.get(idp.id), idpInitiated, md.ssoBinding);
  }

  /**
   * The issuer's (issuer, team) lookup row is claimed with a lightweight transaction before the
   * IdP is written, so two concurrent uploads of one issuer end with one IdP (the reads of
   * checkIssuerFree only give the clear error first); the claims are released if the write fails.
   * A v1 issuer is unique on the whole instance, which a per-team row cannot hold: it is claimed
   * first in `issuer_idp(issuer)`, also by a lightweight transaction, so concurrent v1 uploads of
   * one issuer from several teams end with one IdP too.
   */
  private async writeClaimed(idp: IdpRecord, label: 'idp-already-in-use' | 'idp-issuer-in-use', write: () => Promise<void>): Promise<void> {
    const inUse = () => new DomainError(label, 'An IdP with this issuer already exists');
    const v1 = (idp.apiVersion ?? 1) === 1;
    if (v1 && !(await this.spar.idps.claimV1Issuer(idp.issuer, idp.id))) throw inUse();
    const releaseV1 = () => (v1 ? this.spar.idps.releaseV1Issuer(idp.issuer, idp.id).catch(() => undefined) : undefined);
    if (!(await this.spar.idps.claimIssuer(idp.issuer, idp.team, idp.id))) {
      await releaseV1();
      throw inUse();
    }
    try {
      await write();
    } catch (e) {
      await this.spar.idps.releaseIssuer(idp.issuer, idp.team, idp.id).catch(() => undefined);
      await releaseV1();
      throw e;
    }
  }

  async get(caller: UserId, id: string): Promise<IdpDto> {
    const idp = await this.authorized(caller, id);
    return this.render(idp);
  }

  async raw(caller: UserId, id: string): Promise<string> {
    const idp = await this.authorized(caller, id);
    const xml = await this.spar.idps.getRawMetadata(idp.id);
    if (xml === null) throw new DomainError('not-found', 'Could not find IdP.');
    return xml;
  }

  async list(caller: UserId): Promise<{ providers: IdpDto[] }> {
    const team = await this.access.requireSsoAdmin(caller, 'ReadIdp');
    return this.listTeam(team);
  }

  /** The team's IdPs as spar lists them (also brig's internal `GET /i/identity-providers/:team`). */
  async listTeam(team: TeamId): Promise<{ providers: IdpDto[] }> {
    const idps = await this.spar.idps.listByTeam(team);
    const [sources, options] = await Promise.all([
      Promise.all(idps.map((idp) => this.sources.get(idp.id))),
      Promise.all(idps.map((idp) => this.loginOptions.get(idp.id))),
    ]);
    return {
      providers: idps.map((idp, i) => idpJson(idp, displayHandle(idp, idps), sources[i], options[i].idpInitiated, options[i].ssoBinding)),
    };
  }

  /** As spar: the domain becomes the request's (filtered) `Z-Host`, null included, every time. */
  async update(
    caller: UserId,
    id: string,
    input: MetadataInput,
    handle: string | undefined,
    allowIdpInitiated?: string,
    zHost?: string,
  ): Promise<IdpDto> {
    const idpInitiated = flag(allowIdpInitiated, 'allow_idp_initiated');
    const prev = await this.authorized(caller, id);
    await this.requireSsoFeature(prev.team);
    const domain = this.sps.domainOf(zHost);
    if (domain !== null) this.guardDomain(domain, await this.spar.idps.listByTeam(prev.team), prev.id);
    const { xml, md, url } = await this.load(input);
    const newHandle = handle === undefined ? prev.handle : this.checkHandle(handle);
    let oldIssuers = prev.oldIssuers;
    if (md.issuer !== prev.issuer) {
      const users =
        prev.apiVersion === 2
          ? [await this.spar.idps.getByIssuerAndTeam(md.issuer, prev.team)]
          : await this.spar.idps.findByIssuer(md.issuer);
      if (users.some((o) => o && o.id !== prev.id)) throw new DomainError('idp-issuer-in-use', 'The issuer is used by another IdP');
      oldIssuers = [...new Set([prev.issuer, ...prev.oldIssuers])].filter((i) => i !== md.issuer);
    }
    this.checkHttps(md.requestUri);
    const idp: IdpRecord = {
      ...prev,
      issuer: md.issuer,
      requestUri: md.requestUri,
      certs: md.certs,
      oldIssuers,
      handle: newHandle,
      domain,
    };
    // Claimed even when unchanged: that also claims a domain set before claims existed.
    if (domain !== null) await this.claimDomain(idp.team, domain, idp.id);
    try {
      if (idp.issuer === prev.issuer) await this.spar.idps.update(idp);
      else await this.writeClaimed(idp, 'idp-issuer-in-use', () => this.spar.idps.update(idp));
    } catch (e) {
      if (domain !== prev.domain) await this.releaseDomain(idp.team, domain, idp.id);
      throw e;
    }
    if (prev.domain !== domain) await this.releaseDomain(idp.team, prev.domain, idp.id);
    await this.spar.idps.putRawMetadata(idp.id, xml);
    // Uploaded XML ends refreshing from a URL; a URL (re)starts it.
    await this.recordSource(idp, url, md);
    if (idpInitiated !== undefined) await this.loginOptions.setIdpInitiated(idp.id, idpInitiated);
    if ((await this.loginOptions.get(idp.id)).ssoBinding !== md.ssoBinding) await this.loginOptions.setSsoBinding(idp.id, md.ssoBinding);
    // Only this IdP's own old mappings go; a replaced IdP keeps its lookup (spar deleted it too).
    for (const old of oldIssuers) {
      const mapped = await this.spar.idps.getByIssuerAndTeam(old, idp.team);
      if (!mapped || mapped.id === idp.id) await this.spar.idps.deleteIssuerMapping(old, idp.team);
    }
    this.recordChange(caller, 'idp.updated', idp, `IdP ${idp.handle ?? idp.id} was updated (issuer ${idp.issuer}).`);
    return this.render(idp);
  }

  async delete(caller: UserId, id: string, purge: boolean): Promise<void> {
    const idp = await this.authorized(caller, id);
    const me = await this.identity.users.get(caller);
    if (ssoTenant(me?.ssoId ?? null) === idp.issuer)
      throw new DomainError('cannot-delete-own-idp', 'You cannot delete the IdP you log in with');

    const bound: Array<{ normalizedNameId: string; uid: UserId }> = [];
    let cursor: string | null = null;
    do {
      const page = await this.spar.samlUsers.listByIssuer(idp.issuer, { cursor, limit: 201 });
      for (const row of page.items) if ((await this.identity.teams.teamOf(row.uid)) === idp.team) bound.push(row);
      cursor = page.cursor;
    } while (cursor);
    if (bound.length > 0 && !purge)
      throw new DomainError('idp-has-bound-users', 'The IdP still has users; delete them first or use purge=true');
    for (const row of bound) {
      await this.spar.samlUsers.delete(idp.issuer, row.normalizedNameId);
      await this.deleteUser(idp.team, row.uid);
    }
    for (const old of idp.oldIssuers) {
      const prev = await this.spar.idps.getByIssuerAndTeam(old, idp.team);
      if (prev && prev.replacedBy === idp.id) await this.spar.idps.setReplacedBy(prev.id, null);
    }
    await this.spar.scimTokens.deleteAllByTeamAndIdp(idp.team, idp.id);
    await this.spar.idps.delete(idp.id);
    await this.releaseDomain(idp.team, idp.domain, idp.id);
    await this.loginOptions.delete(idp.id);
    await this.spar.idps.deleteRawMetadata(idp.id);
    await this.sources.delete(idp.id);
    const purged = bound.length > 0 ? ` with its ${bound.length} user${bound.length === 1 ? '' : 's'}` : '';
    this.recordChange(caller, 'idp.deleted', idp, `IdP ${idp.handle ?? idp.id} was deleted${purged}.`);
  }

  private async deleteUser(team: TeamId, uid: UserId): Promise<void> {
    const user = await this.identity.users.get(uid);
    if (user?.handle) await this.identity.users.releaseHandle(user.handle, uid);
    for (const e of [user?.email, user?.emailUnvalidated]) if (e) await this.identity.users.releaseEmail(emailKey(e), uid);
    await this.identity.cookies.deleteAllByUser(uid);
    await this.identity.teams.removeMember(team, uid);
    await this.identity.users.delete(uid);
  }

  /** The IdP, if the caller may manage its team (spar: permission on the IdP's team). */
  private async authorized(caller: UserId, id: string): Promise<IdpRecord> {
    const idp = isUuid(id) ? await this.spar.idps.get(idpId(id)) : null;
    if (!idp) throw new DomainError('not-found', 'Could not find IdP.');
    const team = await this.access.requireSsoAdmin(caller, 'CreateUpdateDeleteIdp');
    if (team !== idp.team) throw new DomainError('insufficient-permissions', 'You need permission CreateUpdateDeleteIdp.');
    return idp;
  }

  private async render(idp: IdpRecord): Promise<IdpDto> {
    const [source, handle, options] = await Promise.all([
      this.sources.get(idp.id),
      idp.handle ?? this.spar.idps.listByTeam(idp.team).then((all) => displayHandle(idp, all)),
      this.loginOptions.get(idp.id),
    ]);
    return idpJson(idp, handle, source, options.idpInitiated, options.ssoBinding);
  }

  private apiVersionOf(v: string | undefined): IdpApiVersion {
    if (v === undefined || v === 'v2') return 2;
    if (v === 'v1') return 1;
    throw new DomainError('bad-request', 'api_version must be v1 or v2');
  }

  private checkHandle(h: string): string {
    if (h.length < 1 || h.length > 32) throw new DomainError('bad-request', 'handle must have 1 to 32 characters');
    return h;
  }

  private checkHttps(uri: string): void {
    if (!uri.startsWith('https://')) throw new DomainError('idp-must-be-https', 'The IdP SSO URL must be https');
  }

  /** v2: unique in the team; v1: unique on the instance; one issuer never mixes v1 and v2. */
  private async checkIssuerFree(issuer: string, team: TeamId, version: IdpApiVersion): Promise<void> {
    const all = await this.spar.idps.findByIssuer(issuer);
    if (all.some((o) => (o.apiVersion ?? 1) !== version))
      throw new DomainError('cannot-mix-idp-api-verions', 'This issuer is used with another IdP API version');
    const clash =
      version === 2 ? all.some((o) => o.team === team) || (await this.spar.idps.getByIssuerAndTeam(issuer, team)) !== null : all.length > 0;
    if (clash) throw new DomainError('idp-already-in-use', 'An IdP with this issuer already exists');
  }
}

/** spar's "IdP N": the smallest N not used as a handle in the team. */
export function nextHandle(existing: IdpRecord[]): string {
  const used = new Set(existing.map((i) => i.handle));
  for (let n = 1; ; n++) if (!used.has(`IdP ${n}`)) return `IdP ${n}`;
}

function displayHandle(idp: IdpRecord, team: IdpRecord[]): string {
  return idp.handle ?? `IdP ${team.findIndex((i) => i.id === idp.id) + 1}`;
}

/** The issuer of a SAML `sso_id` (libs/saml reads it, as it writes it), or null. */
function ssoTenant(ssoId: string | null): string | null {
  const s = parseBrigSsoId(ssoId);
  return s?.kind === 'saml' ? s.issuer : null;
}
