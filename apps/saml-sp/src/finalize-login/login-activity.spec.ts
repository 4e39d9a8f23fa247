import { describe, expect, it } from 'vitest';
import { FakeClock, type TeamId, newIdpId, newTeamId, newUserId } from '@sso/domain';
import type { ActivityInput } from '@sso/platform';
import { LOGIN_FAILURES_PER_MINUTE, LoginActivity } from './login-activity';

function setup() {
  const got: Array<{ team: TeamId; input: ActivityInput }> = [];
  const clock = new FakeClock(new Date('2026-12-04T15:00:00Z'));
  const a = new LoginActivity({ record: (team: TeamId, input: ActivityInput) => void got.push({ team, input }) } as never, clock);
  return { a, got, clock };
}

describe('LoginActivity', () => {
  it('records a granted login under the IdP team: actor the IdP, subject the user and NameID', () => {
    const { a, got } = setup();
    const team = newTeamId();
    const idp = newIdpId();
    const user = newUserId();
    a.record(null, { outcome: 'granted', user, idp, team, idpHandle: 'Okta', nameId: 'bob@example.com' });
    expect(got).toEqual([
      {
        team,
        input: {
          kind: 'sso.login.succeeded',
          outcome: 'ok',
          actor: { type: 'idp', id: idp, name: 'Okta' },
          subject: { type: 'user', id: user, name: 'bob@example.com' },
          idp,
          detail: 'bob@example.com logged in via Okta.',
        },
      },
    ]);
  });

  it('records refusals with their label and a plain reason; the path team when no IdP matched; nothing without a team', () => {
    const { a, got } = setup();
    const team = newTeamId();
    const idp = newIdpId();
    a.record(team, { outcome: 'denied', label: 'forbidden', reasons: ['Audience: https://elsewhere'], idp, team, idpHandle: 'IdP 1' });
    a.record(team, { outcome: 'error', label: 'not-found', reasons: ['Could not find IdP.'] });
    a.record(null, { outcome: 'error', label: 'bad-response-xml', reasons: ['x'] });
    a.record(null, { outcome: 'unsolicited', idp, team });
    a.record('not-a-team' as TeamId, { outcome: 'error', label: 'bad-response-xml' });
    expect(got).toHaveLength(2);
    expect(got[0]!.input).toMatchObject({
      kind: 'sso.login.failed',
      outcome: 'failed',
      reason: 'forbidden',
      actor: { type: 'idp', id: idp },
    });
    expect(got[0]!.input.detail).toBe(
      'A login via IdP 1 was refused: the IdP response did not pass the checks (audience, recipient, time, request or replay) (forbidden).',
    );
    // The validator's reasons (values from the response) are not kept.
    expect(JSON.stringify(got)).not.toContain('elsewhere');
    expect(got[1]).toMatchObject({ team, input: { actor: { type: 'system' }, reason: 'not-found' } });
    expect(got[1]!.input).not.toHaveProperty('subject');
  });

  it('records at most LOGIN_FAILURES_PER_MINUTE refusals per team and minute; successes always', () => {
    const { a, got, clock } = setup();
    const team = newTeamId();
    const other = newTeamId();
    for (let i = 0; i < LOGIN_FAILURES_PER_MINUTE + 30; i++) a.record(team, { outcome: 'error', label: 'bad-response-signature' });
    a.record(other, { outcome: 'error', label: 'bad-response-signature' });
    a.record(null, { outcome: 'granted', user: newUserId(), idp: newIdpId(), team });
    expect(got.filter((g) => g.team === team && g.input.outcome === 'failed')).toHaveLength(LOGIN_FAILURES_PER_MINUTE);
    expect(got.filter((g) => g.team === other)).toHaveLength(1);
    expect(got.filter((g) => g.input.outcome === 'ok')).toHaveLength(1);
    clock.advance(60_000);
    a.record(team, { outcome: 'error', label: 'bad-response-signature' });
    expect(got.filter((g) => g.team === team && g.input.outcome === 'failed')).toHaveLength(LOGIN_FAILURES_PER_MINUTE + 1);
  });
});
