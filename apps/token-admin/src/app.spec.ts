// token-admin on the memory twins (unit tier): the whole app, booted by its own composition root
// with STORE_BACKEND=memory (rate limits counted in process, no Redis), driven over HTTP.
// apps/token-admin/test/ runs it on Cassandra and Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS } from '@sso/platform';
import { type TestApp, memoryTestConfig, startTestApp } from '@sso/testing';
import { tokenAdmin } from './app';

const PASSWORD = 'correct horse battery';

describe('token-admin on the memory backend', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(tokenAdmin, memoryTestConfig({ 'rateLimits.loginPerEmail.limit': 3 }));
  });
  afterAll(() => t?.close());

  const req = (method: string, url: string, opts: { token?: string; body?: unknown } = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      payload: opts.body as never,
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    });

  async function newTeam() {
    const email = `${randomUUID()}@example.com`;
    const r = await req('POST', '/i/teams', { body: { name: 'Team', owner: { email, password: PASSWORD } } });
    expect(r.statusCode, r.body).toBe(201);
    return { ...(r.json() as { team: string; owner: string }), email };
  }

  it('opens no Redis connection', () => {
    expect(t.app.get(REDIS)).toBeNull();
  });

  it('creates a team, logs its owner in, and makes, lists and deletes a SCIM token', async () => {
    const { team, owner, email } = await newTeam();
    const login = await req('POST', '/login', { body: { email, password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const token = login.json().access_token as string;
    expect(login.json().user).toBe(owner);

    const self = await req('GET', '/self', { token });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ id: owner, team });

    const created = await req('POST', '/scim/auth-tokens', { token, body: { description: 'entra', password: PASSWORD } });
    expect(created.statusCode, created.body).toBe(200);
    const { token: secret, info } = created.json();
    expect(secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(info).toMatchObject({ team, idp: null, description: 'entra' });

    const list = await req('GET', '/scim/auth-tokens', { token });
    expect(list.json().tokens.map((x: { id: string }) => x.id)).toEqual([info.id]);
    expect(JSON.stringify(list.json())).not.toContain(secret);

    expect((await req('DELETE', `/scim/auth-tokens?id=${info.id}`, { token })).statusCode).toBe(204);
    expect((await req('GET', '/scim/auth-tokens', { token })).json().tokens).toEqual([]);
  });

  it('rate-limits logins per email in process', async () => {
    const { email } = await newTeam();
    for (let i = 0; i < 3; i++) expect((await req('POST', '/login', { body: { email, password: 'wrong password' } })).statusCode).toBe(403);
    const limited = await req('POST', '/login', { body: { email, password: PASSWORD } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
