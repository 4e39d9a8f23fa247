import { type Clock, type TeamId, isUuid } from '@sso/domain';
import type { ActivityRecorder } from '@sso/platform';
import type { FinalizeResult } from './finalize-login.handler';

/** Refused logins recorded per team and minute, at most, by one instance (anyone can post to an ACS). */
export const LOGIN_FAILURES_PER_MINUTE = 120;

const PLAIN: Record<string, string> = {
  forbidden: 'the IdP response did not pass the checks (audience, recipient, time, request or replay)',
  'not-found': 'no matching IdP or user',
  'bad-team': "the user is not in the IdP's team",
  suspended: 'the account is suspended',
  'bad-response-signature': 'the IdP response is not signed with a certificate of the IdP',
  'bad-response-issuer': 'the IdP response names another issuer',
  'bad-response-saml': 'the IdP response is not valid SAML',
  'bad-response-xml': 'the IdP response is not valid XML',
  'bad-response-encoding': 'the IdP response is not valid base64',
  'ttl-error': 'the assertion is valid for longer than allowed',
  'cannont-provision-on-replaced-idp': 'the IdP was replaced, so no new users are created with it',
  'bad-username': 'the NameID is not a valid user name',
};

/**
 * Turns the ACS's audit into an activity event (docs/decisions.md, "Activity log"): the team is
 * the IdP's, or, before any IdP matched, the team of the v2 ACS path; a v1 login that named no
 * known IdP has no team and is not recorded. Only labels, ids, the IdP's handle and the NameID
 * value are used: never the response, its attributes or the cookie.
 */
export class LoginActivity {
  private window = -1;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly recorder: ActivityRecorder,
    private readonly clock: Clock,
  ) {}

  record(pathTeam: TeamId | null, audit: FinalizeResult['audit']): void {
    if (audit.outcome === 'unsolicited') return;
    const team = (audit.team ?? pathTeam) as TeamId | null;
    if (!team || !isUuid(team)) return;
    const ok = audit.outcome === 'granted';
    if (!ok && !this.allowFailure(team)) return;
    const who = audit.nameId ?? audit.user;
    const via = audit.idpHandle ? ` via ${audit.idpHandle}` : '';
    const reason = audit.label ?? 'forbidden';
    const why =
      reason === 'not-found' && audit.nameId
        ? 'no user of the team has this NameID, and users are not created at login while the team has SCIM tokens'
        : (PLAIN[reason] ?? reason);
    this.recorder.record(team, {
      kind: ok ? 'sso.login.succeeded' : 'sso.login.failed',
      outcome: ok ? 'ok' : 'failed',
      actor: audit.idp ? { type: 'idp', id: audit.idp, ...(audit.idpHandle ? { name: audit.idpHandle } : {}) } : { type: 'system' },
      ...(audit.user || audit.nameId
        ? { subject: { type: 'user' as const, ...(audit.user ? { id: audit.user } : {}), ...(audit.nameId ? { name: audit.nameId } : {}) } }
        : {}),
      ...(audit.idp ? { idp: audit.idp } : {}),
      ...(ok ? {} : { reason }),
      detail: ok ? `${who} logged in${via}.` : `A login${who ? ` of ${who}` : ''}${via} was refused: ${why} (${reason}).`,
    });
  }

  private allowFailure(team: string): boolean {
    const minute = Math.floor(this.clock.now().getTime() / 60_000);
    if (minute !== this.window) {
      this.window = minute;
      this.failures.clear();
    }
    const n = (this.failures.get(team) ?? 0) + 1;
    this.failures.set(team, n);
    return n <= LOGIN_FAILURES_PER_MINUTE;
  }
}
