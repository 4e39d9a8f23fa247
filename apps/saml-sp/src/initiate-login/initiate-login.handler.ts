import { DomainError, type Clock, idpId, isUuid } from '@sso/domain';
import type { IdpRecord, SparStores } from '@sso/persistence';
import { type SpSettings, type VerdictFormat, buildAuthnRequest, renderAuthnRequestForm, signAuthnRequest, spEntityId, verdictFormatOf } from '@sso/saml';

export interface InitiateLoginQuery {
  success_redirect?: string;
  error_redirect?: string;
  label?: string;
}

/** spar's initiate-login: query rules, the stored request and verdict, the auto-POST form. */
export class InitiateLoginHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly sp: SpSettings,
    private readonly clock: Clock,
    private readonly maxttlAuthreq: number,
  ) {}

  async check(idp: string, q: InitiateLoginQuery): Promise<void> {
    this.format(q);
    await this.idp(idp);
  }

  async initiate(idpParam: string, q: InitiateLoginQuery): Promise<string> {
    const format = this.format(q);
    const idp = await this.idp(idpParam);
    const issuer = spEntityId(this.sp, idp.apiVersion === 2 ? idp.team : null);
    const unsigned = buildAuthnRequest(issuer, this.clock.now());
    const req = this.sp.signing ? signAuthnRequest(unsigned, this.sp.signing) : unsigned;
    if (!(await this.spar.authnRequests.put(req.id, idp.issuer, this.maxttlAuthreq))) throw new Error('AuthnRequest id collision');
    await this.spar.authnRequests.putVerdict(req.id, { format, cookieLabel: q.label ?? null }, 2 * this.maxttlAuthreq);
    return renderAuthnRequestForm(idp.requestUri, req);
  }

  private format(q: InitiateLoginQuery): VerdictFormat {
    for (const v of [q.success_redirect, q.error_redirect, q.label]) {
      if (v !== undefined && typeof v !== 'string') throw new DomainError('bad-request', 'Query parameters may be given once each');
    }
    if (q.label !== undefined && q.label.length > 512) throw new DomainError('bad-request', 'label is too long');
    return verdictFormatOf(q);
  }

  private async idp(id: string): Promise<IdpRecord> {
    const idp = isUuid(id) ? await this.spar.idps.get(idpId(id)) : null;
    if (!idp) throw new DomainError('not-found', 'Could not find IdP.');
    return idp;
  }
}
