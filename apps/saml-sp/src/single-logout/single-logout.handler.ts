import type { SessionService } from '@sso/auth';
import { type Clock, DomainError, type TeamId, type UserId } from '@sso/domain';
import type { IdentityStores, IdpLoginOptionsStore, IdpRecord, SparStores } from '@sso/persistence';
import {
  type IdpMetadata,
  LogoutRejected,
  type LogoutSettings,
  type ReceivedLogoutMessage,
  SLO_STATUS,
  buildLogoutRequest,
  buildLogoutResponse,
  checkLogoutRequest,
  checkLogoutResponse,
  logoutIssuer,
  logoutPostForm,
  normalizeNameId,
  pageCsp,
  parseBrigSsoId,
  parseIdpMetadata,
  redirectBindingUrl,
  signLogoutMessage,
  spEntityId,
  spLogoutUrl,
  type SpSettings,
  LOGOUT_POST_SCRIPT,
} from '@sso/saml';
import type { SpSelector } from '../sp-settings';

/** Where the browser goes next, or the page it sees. */
export type LogoutOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'form'; html: string; csp: string }
  /** A page of ours: signed out here (and at the IdP when `idpConfirmed`), or what the IdP reported. */
  | { kind: 'signed-out'; atIdp: 'not-asked' | 'confirmed' | 'refused'; idpStatus?: string };

export interface LogoutTimes {
  clockSkewSeconds: number;
  /** The oldest logout message accepted (the AuthnRequest lifetime, `saml.maxttlAuthreq`). */
  maxAgeSeconds: number;
}

type SloEndpoint = NonNullable<IdpMetadata['singleLogout']>;

const rejected = (e: LogoutRejected) => new DomainError('bad-logout-message', `Bad logout message: ${e.message}`);

/**
 * SAML Single Logout (SAML Profiles §4.4), opt-in per IdP (`single_logout`). SP-initiated: the
 * session the browser holds ends here first, then the user's IdP gets a LogoutRequest (with the
 * same Issuer as our AuthnRequests to it). IdP-initiated: a signed, fresh, unreplayed
 * LogoutRequest from the IdP ends every session of the NameID's user, and the IdP gets a
 * LogoutResponse. Messages we send are signed when the SP has keys.
 */
export class SingleLogoutHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly options: Pick<IdpLoginOptionsStore, 'get'>,
    private readonly sessions: SessionService,
    private readonly sps: SpSelector,
    private readonly clock: Clock,
    private readonly times: LogoutTimes,
  ) {}

  /** SP-initiated: ends the cookie's session, then asks the user's IdP to end its own when it takes part in SLO. */
  async start(cookie: string | undefined, zHost: string | undefined): Promise<LogoutOutcome> {
    const sp = this.sps.forHost(zHost);
    const userId = cookie ? await this.sessions.endSession(cookie) : null;
    // SAML Profiles §4.4.3.1: a LogoutRequest must be signed; without SP keys the IdP is not asked.
    if (!userId || !sp.signing) return { kind: 'signed-out', atIdp: 'not-asked' };
    const target = await this.idpOf(userId);
    if (!target) return { kind: 'signed-out', atIdp: 'not-asked' };
    const { idp, nameId, slo } = target;
    const request = buildLogoutRequest({
      issuer: spEntityId(sp, idp.apiVersion === 2 ? idp.team : null),
      destination: slo.location,
      nameId,
      now: this.clock.now(),
    });
    return this.send(sp, slo.binding, slo.location, 'SAMLRequest', request);
  }

  /** The user's IdP, NameID and its SLO endpoint, when the user logged in with SSO and the IdP takes part. */
  private async idpOf(userId: UserId) {
    const user = await this.identity.users.get(userId);
    const sso = parseBrigSsoId(user?.ssoId ?? null);
    if (!user?.team || sso?.kind !== 'saml') return null;
    const idp = await this.spar.idps.getByIssuerAndTeam(sso.issuer, user.team);
    if (!idp || !(await this.options.get(idp.id)).singleLogout) return null;
    const slo = await this.sloEndpoint(idp);
    return slo ? { idp, nameId: sso.nameId, slo } : null;
  }

  private async sloEndpoint(idp: IdpRecord): Promise<SloEndpoint | null> {
    const raw = await this.spar.idps.getRawMetadata(idp.id);
    if (!raw) return null;
    try {
      return parseIdpMetadata(raw).singleLogout;
    } catch {
      return null; // stored metadata parsed when it was stored; a later parser change must not break logout
    }
  }

  /**
   * A message at our SingleLogoutService (`/sso/slo/<team>`, v1 `/sso/slo`): the IdP's
   * LogoutRequest (IdP-initiated) or its LogoutResponse to ours (SP-initiated).
   */
  async receive(msg: ReceivedLogoutMessage, team: TeamId | null, zHost: string | undefined): Promise<LogoutOutcome> {
    const sp = this.sps.forHost(zHost);
    let parsed: ReturnType<typeof logoutIssuer>;
    try {
      parsed = logoutIssuer(msg);
    } catch (e) {
      if (e instanceof LogoutRejected) throw rejected(e);
      throw e;
    }
    const idp = await this.findIdp(parsed.issuer, team);
    const enabled = (await this.options.get(idp.id)).singleLogout;
    const settings: LogoutSettings = {
      // The Issuer of our answer is the entity id the IdP knows us by: its logins' (v1 or v2).
      spEntityId: spEntityId(sp, idp.apiVersion === 2 ? idp.team : null),
      sloUrl: spLogoutUrl(sp, team),
      clockSkewSeconds: this.times.clockSkewSeconds,
      maxAgeSeconds: this.times.maxAgeSeconds,
      now: this.clock.now(),
      decryptionKey: sp.signing?.privateKey,
    };
    const logoutIdp = { issuer: idp.issuer, certs: idp.certs };
    try {
      // Checked before the opt-in, so an unsigned message learns nothing about the IdP's settings.
      const checked =
        parsed.localName === 'LogoutResponse'
          ? checkLogoutResponse(msg, parsed.doc, logoutIdp, settings)
          : checkLogoutRequest(msg, parsed.doc, logoutIdp, settings);
      if (!enabled) throw new DomainError('single-logout-disabled', 'Single logout is not enabled for this IdP (single_logout)');
      if (checked.kind === 'response') {
        const res = checked;
        // A signed answer is shown once (it grants nothing, but an old one must not tell a new story).
        if (!(await this.spar.assertionReplay.claim(`slo-res:${idp.id}:${res.id}`, this.times.maxAgeSeconds)))
          throw new DomainError('logout-replayed', 'This LogoutResponse was already processed');
        return res.status === SLO_STATUS.success
          ? { kind: 'signed-out', atIdp: 'confirmed' }
          : { kind: 'signed-out', atIdp: 'refused', idpStatus: res.status };
      }
      const req = checked;
      // The ID is used once: a replayed request ends nothing and gets no second answer.
      if (!(await this.spar.assertionReplay.claim(`slo:${idp.id}:${req.id}`, req.ttlSeconds)))
        throw new DomainError('logout-replayed', 'This LogoutRequest was already processed');
      await this.endAllSessions(idp, normalizeNameId(req.nameId));
      const slo = await this.sloEndpoint(idp);
      if (!slo) return { kind: 'signed-out', atIdp: 'not-asked' };
      const response = buildLogoutResponse({
        issuer: settings.spEntityId,
        destination: slo.responseLocation ?? slo.location,
        inResponseTo: req.id,
        status: SLO_STATUS.success,
        now: settings.now,
      });
      return this.send(sp, slo.binding, slo.responseLocation ?? slo.location, 'SAMLResponse', response, msg.relayState ?? undefined);
    } catch (e) {
      if (e instanceof LogoutRejected) throw rejected(e);
      throw e;
    }
  }

  /** Every session of the user the IdP knows by this NameID, in the IdP's team (v2 issuers may repeat across teams). */
  private async endAllSessions(idp: IdpRecord, normalizedNameId: string): Promise<void> {
    const row = await this.spar.samlUsers.get(idp.issuer, normalizedNameId);
    if (!row) return;
    const user = await this.identity.users.get(row.uid);
    if (user?.team !== idp.team) return;
    await this.identity.cookies.deleteAllByUser(row.uid);
  }

  private async findIdp(issuer: string, team: TeamId | null): Promise<IdpRecord> {
    if (team) {
      const idp = await this.spar.idps.getByIssuerAndTeam(issuer, team);
      if (idp) return idp;
    } else {
      const v1 = (await this.spar.idps.findByIssuer(issuer)).filter((i) => i.apiVersion !== 2);
      if (v1.length === 1) return v1[0];
    }
    throw new DomainError('not-found', 'Could not find IdP.');
  }

  private send(
    sp: SpSettings,
    binding: SloEndpoint['binding'],
    location: string,
    field: 'SAMLRequest' | 'SAMLResponse',
    message: { id: string; xml: string },
    relayState?: string,
  ): LogoutOutcome {
    if (binding === 'HTTP-Redirect')
      return { kind: 'redirect', location: redirectBindingUrl(location, field, message.xml, { relayState, key: sp.signing }) };
    const xml = sp.signing ? signLogoutMessage(message.xml, message.id, sp.signing) : message.xml;
    const form = logoutPostForm(location, field, xml, relayState);
    return { kind: 'form', html: form.html, csp: pageCsp(LOGOUT_POST_SCRIPT, form.formOrigin) };
  }
}
