// GET /team-settings/activity on the memory twins (unit tier); apps/token-admin/test/activity.spec.ts on Cassandra.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TeamId, timeUuid } from '@sso/domain';
import { ACTIVITY_RECORDER, type ActivityRecorder } from '@sso/platform';
import { type TestApp, memoryTestConfig, startTestApp } from '@sso/testing';
import { tokenAdmin } from '../app';
import { parseActivityQuery } from './activity.handler';

const PASSWORD = 'correct horse battery';

describe('parseActivityQuery', () => {
  it('takes defaults, and every filter', () => {
    expect(parseActivityQuery({})).toEqual({ limit: 50, cursor: null, filter: {} });
    expect(
      parseActivityQuery({
        limit: '200',
        cursor: 'abc',
        kind: 'sso.login.failed, token.created,sso.login.failed',
        outcome: 'failed',
        actor: '5D3F4A9E-1C2B-4E8F-9A7B-6C5D4E3F2A1B',
        subject: ' bob ',
      }),
    ).toEqual({
      limit: 200,
      cursor: 'abc',
      filter: {
        kinds: ['sso.login.failed', 'token.created'],
        outcome: 'failed',
        actor: '5D3F4A9E-1C2B-4E8F-9A7B-6C5D4E3F2A1B',
        subject: 'bob',
      },
    });
  });

  it.each([
    [{ limit: '0' }, /^limit/],
    [{ limit: '201' }, /^limit/],
    [{ limit: '1.5' }, /^limit/],
    [{ limit: '-1' }, /^limit/],
    [{ limit: '' }, /^limit/],
    [{ limit: ['1', '2'] }, /^limit: give it once/],
    [{ kind: 'scim.user.exploded' }, /^kind: unknown 'scim.user.exploded'/],
    [{ kind: '' }, /^kind/],
    [{ outcome: 'maybe' }, /^outcome: ok or failed/],
    [{ actor: 'alice' }, /^actor/],
    [{ subject: '' }, /^subject/],
    [{ subject: 'x'.repeat(257) }, /^subject/],
    [{ cursor: '' }, /^cursor/],
    [{ cursor: 'c'.repeat(513) }, /^cursor/],
  ])('refuses %j', (q, message) => {
    expect(() => parseActivityQuery(q)).toThrow(message);
  });
});

describe('GET /team-settings/activity (memory backend)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(tokenAdmin, memoryTestConfig());
  });
  afterAll(() => t?.close());

  const req = (method: string, url: string, opts: { token?: string; body?: unknown } = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      payload: opts.body as never,
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    });

  async function login(email: string, password = PASSWORD): Promise<string> {
    const r = await req('POST', '/login', { body: { email, password } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().access_token as string;
  }

  async function newTeam() {
    const email = `${randomUUID()}@example.com`;
    const r = await req('POST', '/i/teams', { body: { name: 'Team', owner: { email, password: PASSWORD, name: 'Olga Owner' } } });
    expect(r.statusCode, r.body).toBe(201);
    const { team, owner } = r.json() as { team: TeamId; owner: string };
    return { team, owner, token: await login(email) };
  }

  const activity = async (token: string, query = '') => {
    await t.app.get<ActivityRecorder>(ACTIVITY_RECORDER).flush();
    return req('GET', `/team-settings/activity${query}`, { token });
  };

  it('shows token changes with the admin as actor, newest first, never the secret; pages and filters', async () => {
    const { owner, token } = await newTeam();
    const created = await req('POST', '/scim/auth-tokens', {
      token,
      body: { description: 'Entra sync', name: 'Entra', password: PASSWORD },
    });
    expect(created.statusCode, created.body).toBe(200);
    const { token: secret, info } = created.json();
    expect((await req('PUT', `/scim/auth-tokens/${info.id}`, { token, body: { name: 'Entra ID' } })).statusCode).toBe(200);
    expect((await req('DELETE', `/scim/auth-tokens?id=${info.id}`, { token })).statusCode).toBe(204);
    // Deleting it again changes nothing, and records nothing.
    expect((await req('DELETE', `/scim/auth-tokens?id=${info.id}`, { token })).statusCode).toBe(204);

    const r = await activity(token);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.next).toBeNull();
    expect(body.events.map((e: { kind: string }) => e.kind)).toEqual(['token.deleted', 'token.renamed', 'token.created']);
    const actor = { type: 'user', id: owner, name: 'Olga Owner' };
    expect(body.events[2]).toMatchObject({
      outcome: 'ok',
      actor,
      subject: { type: 'scim-token', id: info.id, name: 'Entra' },
      detail: 'SCIM token Entra was created.',
    });
    expect(body.events[1]).toMatchObject({ actor, subject: { id: info.id, name: 'Entra ID' } });
    expect(body.events[0]).toMatchObject({ actor, subject: { id: info.id, name: 'Entra ID' }, detail: 'SCIM token Entra ID was deleted.' });
    for (const e of body.events) {
      expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(e).not.toHaveProperty('reason');
    }
    expect(r.body).not.toContain(secret);
    expect(r.body).not.toContain(PASSWORD);

    const first = (await activity(token, '?limit=2')).json();
    expect(first.events).toHaveLength(2);
    expect(typeof first.next).toBe('string');
    const second = (await activity(token, `?limit=2&cursor=${encodeURIComponent(first.next)}`)).json();
    expect([...first.events, ...second.events].map((e: { id: string }) => e.id)).toEqual(body.events.map((e: { id: string }) => e.id));
    expect(second.next).toBeNull();
    expect((await activity(token, '?kind=token.renamed')).json().events.map((e: { kind: string }) => e.kind)).toEqual(['token.renamed']);
    expect((await activity(token, '?outcome=failed')).json().events).toEqual([]);
    expect((await activity(token, `?actor=${owner}`)).json().events).toHaveLength(3);
    expect((await activity(token, `?actor=${randomUUID()}`)).json().events).toHaveLength(0);
    expect((await activity(token, '?subject=entra%20id')).json().events).toHaveLength(2);
  });

  it('answers bad parameters with 400, never 500', async () => {
    const { token } = await newTeam();
    for (const q of [
      '?limit=0',
      '?limit=abc',
      '?limit=1&limit=2',
      '?kind=nope',
      '?outcome=yes',
      '?actor=x',
      '?cursor=garbage',
      `?cursor=${Buffer.from('["activity",1,""]').toString('base64url')}`,
      `?cursor=${Buffer.from(`["activity",3600000,"${timeUuid(new Date())}x"]`).toString('base64url')}`,
      '?subject=',
    ]) {
      const r = await activity(token, q);
      expect(r.statusCode, `${q}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ code: 400, label: 'bad-request' });
    }
  });

  it('refuses members who are not admins exactly as the token routes do, and callers without a token', async () => {
    const { team, token } = await newTeam();
    const email = `${randomUUID()}@example.com`;
    expect((await req('POST', `/i/teams/${team}/members`, { body: { email, password: PASSWORD, role: 'member' } })).statusCode).toBe(201);
    const member = await login(email);
    const a = await activity(member);
    const b = await req('GET', '/scim/auth-tokens', { token: member });
    expect(a.statusCode).toBe(403);
    expect(a.json()).toEqual(b.json());
    expect(a.json().label).toBe('insufficient-permissions');
    expect((await req('GET', '/team-settings/activity')).statusCode).toBe(401);
    // An admin of another team sees only their own team.
    expect((await activity(token)).json().events).toEqual([]);
  });
});
