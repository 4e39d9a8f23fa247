import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testConfig } from '@sso/testing';
import type { TeamsHandler } from '../src/teams/teams.handler';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from './fixture';

const keysFile = writeKeysFile();
const PASSWORD = 'correct horse battery';

describe('token-admin refuses hostile and careless input', () => {
  let t: TestApp;
  let teams: TeamsHandler;
  const config = testConfig({ 'auth.keysFile': keysFile, 'rateLimits.loginPerAddress.limit': 100_000 });

  let env: TokenAdminEnv | undefined;

  beforeAll(async () => {
    ({ t, teams } = env = await startTokenAdmin(config));
  });
  afterAll(async () => {
    await env?.close();
  });

  async function owner() {
    const email = `${randomUUID()}@example.com`;
    await teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    const r = await t.app.inject({ method: 'POST', url: '/login', payload: { email, password: PASSWORD } });
    expect(r.statusCode).toBe(200);
    return { email, token: r.json().access_token as string, cookie: String(r.headers['set-cookie']).split(';')[0]! };
  }

  const deep = `{"email":${'['.repeat(3000)}${']'.repeat(3000)},"password":"x"}`;

  it('answers a 3,000-deep JSON body with 400 on /login and /scim/auth-tokens, unauthenticated, without a stack overflow', async () => {
    expect(Buffer.byteLength(deep)).toBeGreaterThan(6000);
    for (const url of ['/login', '/scim/auth-tokens', '/v6/login']) {
      const r = await t.app.inject({ method: 'POST', url, payload: deep, headers: { 'content-type': 'application/json' } });
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toEqual({ code: 400, label: 'bad-request', message: 'JSON body nested deeper than 32 levels' });
    }
    expect(t.logs()).not.toMatch(/call stack|"level":50/);
  });

  it('logs in from JSON only: a form or text/plain POST (what a page on another site can send) is a 415 and sets no cookie', async () => {
    const { email } = await owner();
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`],
      ['text/plain', JSON.stringify({ email, password: PASSWORD })],
      [
        'multipart/form-data; boundary=b',
        `--b\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n${PASSWORD}\r\n--b--\r\n`,
      ],
    ]) {
      const r = await t.app.inject({ method: 'POST', url: '/login', payload, headers: { 'content-type': type } });
      expect(r.statusCode, type).toBe(415);
      expect(r.json(), type).toMatchObject({ code: 415, label: 'unsupported-media-type' });
      expect(r.headers['set-cookie'], type).toBeUndefined();
    }
    const json = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: JSON.stringify({ email, password: PASSWORD }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(json.statusCode).toBe(200);
  });

  it('refuses form posts to the cookie routes /access and /logout: the session survives a cross-site form', async () => {
    const { cookie } = await owner();
    for (const url of ['/access', '/logout', '/access/logout']) {
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=b']) {
        const r = await t.app.inject({ method: 'POST', url, payload: '', headers: { 'content-type': type, cookie } });
        expect(r.statusCode, `${url} ${type}`).toBe(415);
        expect(r.headers['set-cookie'], `${url} ${type}`).toBeUndefined();
      }
    }
    expect((await t.app.inject({ method: 'POST', url: '/access', headers: { cookie } })).statusCode).toBe(200);
  });

  it('refuses access tokens in the query string, valid or not, and keeps them out of the logs', async () => {
    const { token } = await owner();
    for (const url of [
      `/self?access_token=${token}`,
      `/scim/auth-tokens?access_token=${token}`,
      `/v5/self?access_token=${token}`,
      '/self?access_token=',
    ]) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().label, url).toBe('bad-request');
    }
    // Even next to a valid header: the token in the URL has leaked already.
    const both = await t.app.inject({ method: 'GET', url: `/self?access_token=${token}`, headers: { authorization: `Bearer ${token}` } });
    expect(both.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/self', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect(t.logs()).toContain('access_token=[redacted]');
    expect(t.logs()).not.toContain(token);
  });
});
