import type { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError, type IdpId, type TeamId } from '@sso/domain';
import type { IdpRecord, SparStores, VerdictRecord } from '@sso/persistence';
import { errorStatus, renderSessionCookie } from '@sso/platform';
import {
  type LoginIdp,
  type RenderedOutcome,
  type SpSettings,
  renderMobileError,
  renderMobileSuccess,
  renderWebError,
  renderWebSuccess,
  spEntityId,
  validateResponse,
} from '@sso/saml';
import type { LoginLookups } from '../login-lookups.module';
import type { UserResolution } from './user-resolution';

export interface FinalizeResult extends RenderedOutcome {
  setCookie?: string;
  /** For the security log: what happened and why (never the response itself or the cookie). */
  audit: { outcome: 'granted' | 'denied' | 'error' | 'unsolicited'; label?: string; reasons?: string[]; user?: string; idp?: string };
}

const WEB_VERDICT: VerdictRecord = { format: { kind: 'web' }, cookieLabel: null };

/** The ACS: validation (libs/saml), the verdict, the user and the session (docs/spar-behaviour.md §3.3). */
export class FinalizeLoginHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly lookups: LoginLookups,
    private readonly users: UserResolution,
    private readonly sessions: SessionService,
    private readonly sp: SpSettings,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  async finalize(team: TeamId | null, samlResponse: unknown): Promise<FinalizeResult> {
    try {
      return await this.run(team, samlResponse);
    } catch (e) {
      if (e instanceof DomainError) return { ...renderWebError(e.code, [e.message], errorStatus[e.code]), audit: { outcome: 'error', label: e.code, reasons: [e.message] } };
      throw e;
    }
  }

  private async run(team: TeamId | null, samlResponse: unknown): Promise<FinalizeResult> {
    if (typeof samlResponse !== 'string') {
      return { ...renderWebError('bad-response-encoding', ['No SAMLResponse form field'], 400), audit: { outcome: 'error', label: 'bad-response-encoding' } };
    }
    const records = new Map<string, IdpRecord>();
    const outcome = await validateResponse(
      samlResponse,
      {
        spEntityId: spEntityId(this.sp, team),
        clockSkewSeconds: this.config.saml.clockSkewSeconds,
        maxttlAuthreq: this.config.saml.maxttlAuthreq,
        maxttlAuthresp: this.config.saml.maxttlAuthresp,
        now: this.clock.now(),
        decryptionKey: this.sp.signing?.privateKey,
      },
      {
        findIdp: async (issuer): Promise<LoginIdp> => {
          const idp = await this.findIdp(issuer, team);
          records.set(idp.id, idp);
          return { id: idp.id, issuer: idp.issuer, certs: idp.certs };
        },
        consumeRequest: (id, idpIssuer) => this.spar.authnRequests.consume(id, idpIssuer),
        // `idp` is the LoginIdp findIdp above built from our own record: its id is proven.
        allowsIdpInitiated: async (idp) => (await this.lookups.options.get(idp.id as IdpId)).idpInitiated,
        claimAssertion: (id, ttl) => this.spar.assertionReplay.claim(id, ttl),
      },
    );
    switch (outcome.kind) {
      case 'error':
        return {
          ...renderWebError(outcome.code, [outcome.message], outcome.status ?? errorStatus[outcome.code]),
          audit: { outcome: 'error', label: outcome.code, reasons: [outcome.message] },
        };
      case 'unsolicited':
        return { status: 303, headers: { location: `/sso/initiate-login/${outcome.idp.id}` }, body: '', audit: { outcome: 'unsolicited', idp: outcome.idp.id } };
      case 'denied': {
        const verdict = outcome.requestId ? await this.spar.authnRequests.getVerdict(outcome.requestId) : null;
        return { ...this.renderFailure(verdict, 'forbidden', outcome.reasons), audit: { outcome: 'denied', label: 'forbidden', reasons: outcome.reasons } };
      }
      case 'granted': {
        const idp = records.get(outcome.idp.id) as IdpRecord;
        // The verdict is read while the user is resolved (it outlives the request just consumed,
        // so it is missing only in spar's 500 case); a resolution error still needs the verdict.
        const [verdict, resolved] = await Promise.all([
          // IdP-initiated: no request, so no verdict; it answers as a web login.
          outcome.requestId === null ? WEB_VERDICT : this.spar.authnRequests.getVerdict(outcome.requestId),
          this.users.resolve(idp, outcome.nameId).then(
            (uid) => ({ uid }),
            (error: unknown) => ({ error }),
          ),
        ]);
        if (!verdict) throw new DomainError('server-error', 'The verdict of this login has expired');
        try {
          if ('error' in resolved) throw resolved.error;
          const uid = resolved.uid;
          const s = await this.sessions.startCookie(uid, { persistent: true, label: verdict.cookieLabel });
          const setCookie = renderSessionCookie(this.config, s.cookie, s.cookieExpires, true);
          const page = verdict.format.kind === 'mobile' ? renderMobileSuccess(verdict.format.successRedirect, setCookie, uid) : renderWebSuccess();
          return { ...page, setCookie, audit: { outcome: 'granted', user: uid, idp: idp.id } };
        } catch (e) {
          if (e instanceof DomainError) {
            return { ...this.renderFailure(verdict, e.code, [e.message]), audit: { outcome: 'denied', label: e.code, reasons: [e.message], idp: idp.id } };
          }
          throw e;
        }
      }
    }
  }

  private renderFailure(verdict: VerdictRecord | null, label: string, reasons: string[]): RenderedOutcome {
    if (verdict?.format.kind === 'mobile') return renderMobileError(verdict.format.errorRedirect, label, reasons);
    return renderWebError(label, reasons);
  }

  /** v2 (`/finalize-login/:team`): (issuer, team); v1: instance-wide, v1 IdPs only. */
  private async findIdp(issuer: string, team: TeamId | null): Promise<IdpRecord> {
    if (team) {
      const idp = await this.lookups.idps.getByIssuerAndTeam(issuer, team);
      if (!idp) throw new DomainError('not-found', 'Could not find IdP.');
      return idp;
    }
    const found = (await this.lookups.idps.findByIssuer(issuer)).filter((i) => i.apiVersion !== 2);
    if (found.length === 0) throw new DomainError('not-found', 'Could not find IdP.');
    if (found.length > 1) throw new DomainError('idp-non-unique', 'More than one IdP has this issuer');
    return found[0];
  }
}

