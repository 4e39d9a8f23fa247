import { DomainError, type Clock, idpId, isUuid } from '@sso/domain';
import type { IdpRecord, SparStores } from '@sso/persistence';
import {
  LOGIN_PAGE_RELAY_STATE,
  type VerdictFormat,
  authnRequestFormCsp,
  authnRequestRedirectUrl,
  buildAuthnRequest,
  renderAuthnRequestForm,
  signAuthnRequest,
  spEntityId,
  verdictFormatOf,
} from '@sso/saml';
import type { LoginLookups } from '../login-lookups.module';
import type { SpSelector } from '../sp-settings';

export interface InitiateLoginQuery {
  success_redirect?: string;
  error_redirect?: string;
  label?: string;
}

/** spar's auto-POST page, or (ours) a 303 to a Redirect-only IdP with the request in the query. */
type InitiateLoginOutcome = { kind: 'form'; html: string; csp: string } | { kind: 'redirect'; location: string };

/** spar's initiate-login: query rules, the stored request and verdict, the auto-POST form. */
export class InitiateLoginHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly lookups: LoginLookups,
    private readonly sps: SpSelector,
    private readonly clock: Clock,
    private readonly maxttlAuthreq: number,
  ) {}

  async check(idp: string, q: InitiateLoginQuery): Promise<void> {
    this.format(q);
    await this.idp(idp);
  }

  /** `page`: started at the enterprise-login page (/sso/login), whose result page ends the login. */
  async initiate(idpParam: string, q: InitiateLoginQuery, zHost?: string, page = false): Promise<InitiateLoginOutcome> {
    const format: VerdictFormat = page ? { kind: 'page' } : this.format(q);
    const sp = this.sps.forHost(zHost);
    // Both keyed reads at once, so a login start waits for one round trip as before.
    const [idp, binding] = await Promise.all([
      this.idp(idpParam),
      isUuid(idpParam) ? this.lookups.options.get(idpId(idpParam)).then((o) => o.ssoBinding) : 'HTTP-POST',
    ]);
    const issuer = spEntityId(sp, idp.apiVersion === 2 ? idp.team : null);
    const unsigned = buildAuthnRequest(issuer, this.clock.now(), binding === 'HTTP-Redirect' ? { destination: idp.requestUri } : {});
    // Redirect signs the query instead of the XML (SAML Bindings §3.4.4.1).
    const req = sp.signing && binding === 'HTTP-POST' ? signAuthnRequest(unsigned, sp.signing) : unsigned;
    if (!(await this.spar.authnRequests.put(req.id, idp.issuer, this.maxttlAuthreq))) throw new Error('AuthnRequest id collision');
    await this.spar.authnRequests.putVerdict(req.id, { format, cookieLabel: q.label ?? null }, 2 * this.maxttlAuthreq);
    const relayState = page ? LOGIN_PAGE_RELAY_STATE : undefined;
    if (binding === 'HTTP-Redirect')
      return { kind: 'redirect', location: authnRequestRedirectUrl(idp.requestUri, req, sp.signing, relayState) };
    return { kind: 'form', html: renderAuthnRequestForm(idp.requestUri, req, relayState), csp: authnRequestFormCsp(idp.requestUri) };
  }

  private format(q: InitiateLoginQuery): VerdictFormat {
    for (const v of [q.success_redirect, q.error_redirect, q.label]) {
      if (v !== undefined && typeof v !== 'string') throw new DomainError('bad-request', 'Query parameters may be given once each');
    }
    if (q.label !== undefined && q.label.length > 512) throw new DomainError('bad-request', 'label is too long');
    return verdictFormatOf(q);
  }

  private async idp(id: string): Promise<IdpRecord> {
    const idp = isUuid(id) ? await this.lookups.idps.get(idpId(id)) : null;
    if (!idp) throw new DomainError('not-found', 'Could not find IdP.');
    return idp;
  }
}
