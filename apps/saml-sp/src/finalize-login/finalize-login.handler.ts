import type { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError, type ErrorCode, type IdpId, type TeamId, labelOf } from '@sso/domain';
import type { IdpRecord, SparStores, VerdictRecord } from '@sso/persistence';
import { renderSessionCookie } from '@sso/platform';
import {
  type LoginIdp,
  type NameId,
  type RenderedOutcome,
  renderLoginPageRefusal,
  renderLoginPageSuccess,
  renderMobileError,
  renderMobileSuccess,
  renderWebDenial,
  renderWebError,
  renderWebSuccess,
  spEntityId,
  validateResponse,
} from '@sso/saml';
import type { LoginLookups } from '../login-lookups.module';
import type { SpSelector } from '../sp-settings';
import type { FoundUser, UserResolution } from './user-resolution';

export interface FinalizeResult extends RenderedOutcome {
  setCookie?: string;
  /** For the security log: what happened and why (never the response itself or the cookie). */
  audit: {
    outcome: 'granted' | 'denied' | 'error' | 'unsolicited';
    label?: string;
    reasons?: string[];
    user?: string;
    idp?: string;
    /** For the activity log: the IdP's team and handle once the IdP is known, and the NameID value once validated. */
    team?: string;
    idpHandle?: string;
    nameId?: string;
  };
}

/** The IdP the response named, for the audit of a refusal (none when no IdP matched its issuer). */
function idpAudit(records: Map<string, IdpRecord>): Pick<FinalizeResult['audit'], 'idp' | 'team' | 'idpHandle'> {
  const idp = [...records.values()][0];
  return idp ? { idp: idp.id, team: idp.team, ...(idp.handle ? { idpHandle: idp.handle } : {}) } : {};
}

const WEB_VERDICT: VerdictRecord = { format: { kind: 'web' }, cookieLabel: null };

/** The reads a granted login needs, started once the response has passed its checks. */
interface EarlyReads {
  verdict: Promise<VerdictRecord | null>;
  found: Promise<FoundUser>;
}

/** The ACS: validation (libs/saml), the verdict, the user and the session (docs/spar-behaviour.md §3.3). */
export class FinalizeLoginHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly lookups: LoginLookups,
    private readonly users: UserResolution,
    private readonly sessions: SessionService,
    private readonly sps: SpSelector,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  async finalize(team: TeamId | null, samlResponse: unknown, zHost?: string): Promise<FinalizeResult> {
    try {
      return await this.run(team, samlResponse, zHost);
    } catch (e) {
      // The login's own errors are verdict pages; anything else (the database, a bug) is the
      // platform's to classify, log and answer.
      if (e instanceof DomainError) return this.errorPage(e);
      throw e;
    }
  }

  private async run(team: TeamId | null, samlResponse: unknown, zHost: string | undefined): Promise<FinalizeResult> {
    // Multi-ingress: the SP of this host, so a response addressed to another host's SP fails the
    // Audience and Recipient checks (denied), and an unconfigured host is "Could not find SP.".
    const sp = this.sps.forHost(zHost);
    if (typeof samlResponse !== 'string') {
      // spar's label and text for a form without the field.
      const message = 'Bad response: SAMLResponse form field missing from HTTP body';
      return {
        ...renderWebError({ code: 'bad-response-saml', message }),
        audit: { outcome: 'error', label: 'bad-response-saml', reasons: [message] },
      };
    }
    const records = new Map<string, IdpRecord>();
    const early: { reads?: EarlyReads } = {};
    const outcome = await validateResponse(
      samlResponse,
      {
        spEntityId: spEntityId(sp, team),
        clockSkewSeconds: this.config.saml.clockSkewSeconds,
        maxttlAuthreq: this.config.saml.maxttlAuthreq,
        maxttlAuthresp: this.config.saml.maxttlAuthresp,
        now: this.clock.now(),
        decryptionKey: sp.signing?.privateKey,
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
        // The verdict and the user are read while the claims run: one round trip fewer per login.
        checked: ({ requestId, idp, nameId }) => {
          early.reads = this.earlyReads(records.get(idp.id) as IdpRecord, requestId, nameId);
        },
      },
    );
    switch (outcome.kind) {
      case 'error': {
        const page = this.errorPage(outcome);
        return { ...page, audit: { ...page.audit, ...idpAudit(records) } };
      }
      case 'unsolicited':
        return {
          status: 303,
          headers: { location: `/sso/initiate-login/${outcome.idp.id}` },
          body: '',
          audit: { outcome: 'unsolicited', idp: outcome.idp.id },
        };
      case 'denied': {
        const verdict = outcome.requestId ? await (early.reads?.verdict ?? this.spar.authnRequests.getVerdict(outcome.requestId)) : null;
        return {
          ...this.renderFailure(verdict, 'forbidden', outcome.reasons),
          audit: { outcome: 'denied', label: 'forbidden', reasons: outcome.reasons, ...idpAudit(records) },
        };
      }
      case 'granted': {
        const idp = records.get(outcome.idp.id) as IdpRecord;
        // The verdict outlives the request just consumed, so it is missing only in spar's 500 case;
        // a resolution error still needs the verdict.
        const reads = early.reads ?? this.earlyReads(idp, outcome.requestId, outcome.nameId);
        const [verdict, resolved] = await Promise.all([
          reads.verdict,
          this.users.resolve(idp, outcome.nameId, reads.found).then(
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
          const page =
            verdict.format.kind === 'mobile'
              ? renderMobileSuccess(verdict.format.successRedirect, setCookie, uid)
              : verdict.format.kind === 'page'
                ? renderLoginPageSuccess()
                : renderWebSuccess();
          return { ...page, setCookie, audit: { outcome: 'granted', user: uid, ...idpAudit(records), nameId: outcome.nameId.value } };
        } catch (e) {
          if (e instanceof DomainError) {
            const label = labelOf(e.code);
            return {
              ...this.renderFailure(verdict, label, [e.message]),
              audit: { outcome: 'denied', label, reasons: [e.message], ...idpAudit(records), nameId: outcome.nameId.value },
            };
          }
          throw e;
        }
      }
    }
  }

  /**
   * The verdict (IdP-initiated: no request, so none; it answers as a web login) and the user's rows.
   * Started before the claims settle, so a denied login may never look at them: their failures
   * are marked handled here and surface only where they are awaited.
   */
  private earlyReads(idp: IdpRecord, requestId: string | null, nameId: NameId): EarlyReads {
    const reads = {
      verdict: requestId === null ? Promise.resolve(WEB_VERDICT) : this.spar.authnRequests.getVerdict(requestId),
      found: this.users.find(idp, nameId),
    };
    reads.verdict.catch(() => undefined);
    reads.found.catch(() => undefined);
    return reads;
  }

  private errorPage(e: { code: ErrorCode; message: string }): FinalizeResult {
    return { ...renderWebError(e), audit: { outcome: 'error', label: labelOf(e.code), reasons: [e.message] } };
  }

  private renderFailure(verdict: VerdictRecord | null, label: string, reasons: string[]): RenderedOutcome {
    if (verdict?.format.kind === 'mobile') return renderMobileError(verdict.format.errorRedirect, label, reasons);
    if (verdict?.format.kind === 'page') return renderLoginPageRefusal(label);
    return renderWebDenial(label, reasons);
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
