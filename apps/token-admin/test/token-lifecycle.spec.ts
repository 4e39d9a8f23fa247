import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimTokenVerifier, hashScimToken } from '@sso/auth';
import { systemClock } from '@sso/domain';
import { CassandraScimTokenLifecycleStore, cassandraSparStores, directScimTokenAuth } from '@sso/persistence';
import { testConfig } from '@sso/testing';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from './fixture';

const PASSWORD = 'correct horse battery';
/** spar's token info fields (docs/spar-behaviour.md): what clients that know nothing newer read. */
const SPAR_FIELDS = ['created_at', 'description', 'id', 'idp', 'name', 'team'];
const NEW_FIELDS = ['expired', 'expires_at', 'expires_soon', 'last_used', 'replaced_by', 'rotated_from'];

describe('token-admin: SCIM token expiry and rotation on real Cassandra', () => {
  let env: TokenAdminEnv;
  const config = testConfig({ 'auth.keysFile': writeKeysFile(), 'scim.maxScimTokens': 2, 'scim.maxTokenLifetimeDays': 90 });

  beforeAll(async () => {
    env = await startTokenAdmin(config);
  });
  afterAll(async () => env?.close());

  const req = (method: string, url: string, token: string, body?: unknown) =>
    env.t.app.inject({ method: method as 'GET', url, payload: body as never, headers: { authorization: `Bearer ${token}` } });

  async function owner(): Promise<string> {
    const email = `${randomUUID()}@example.com`;
    await env.teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    const r = await env.t.app.inject({ method: 'POST', url: '/login', payload: { email, password: PASSWORD } });
    return r.json().access_token as string;
  }

  /** scim-api's check, uncached, on the same tables. */
  const scim = () => {
    const spar = cassandraSparStores(env.db, systemClock);
    return new ScimTokenVerifier(directScimTokenAuth(spar.scimTokens, new CassandraScimTokenLifecycleStore(env.db)), spar.scimTokens);
  };

  it("creates a token with an expiry; the list keeps spar's fields and adds the documented ones", async () => {
    const bearer = await owner();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const c = await req('POST', '/v7/scim/auth-tokens', bearer, {
      description: 'entra',
      password: PASSWORD,
      expires_at: expiresAt.toISOString(),
    });
    expect(c.statusCode).toBe(200);
    const { token, info } = c.json();
    expect(info).toMatchObject({
      expires_at: expiresAt.toISOString(),
      last_used: null,
      expired: false,
      expires_soon: false,
      rotated_from: null,
    });
    const plain = await req('POST', '/scim/auth-tokens', bearer, { description: 'no expiry', password: PASSWORD });
    const tokens = (await req('GET', '/scim/auth-tokens', bearer)).json().tokens as Array<Record<string, unknown>>;
    for (const t of tokens) expect(Object.keys(t).sort()).toEqual([...SPAR_FIELDS, ...NEW_FIELDS].sort());
    expect(tokens.map((t) => t.expires_at)).toEqual([expiresAt.toISOString(), null]);
    // spar's fields carry spar's values: a client that ignores the rest sees spar's JSON.
    expect(tokens[1]).toMatchObject({ id: plain.json().info.id, description: 'no expiry', idp: null, name: plain.json().info.id });
    const lc = await new CassandraScimTokenLifecycleStore(env.db).get(hashScimToken(token));
    expect(lc?.expiresAt).toEqual(expiresAt);
    expect((await scim().check(token)).ok).toBe(true);
  });

  it.each([
    [{ expires_at: '2020-01-01T00:00:00Z' }, 'expires_at: must be in the future'],
    [{ expires_in: 91 * 86_400 }, 'expires_in: at most 7776000 seconds (90 days)'],
    [{ expires_at: 'next week' }, 'expires_at: not an ISO 8601 date-time'],
    [{ expires_in: '3600' }, 'expires_in'],
    [{ expires_at: 12 }, 'expires_at'],
  ])('refuses the expiry %j with 400 bad-request', async (extra, message) => {
    const bearer = await owner();
    const r = await req('POST', '/scim/auth-tokens', bearer, { description: 'd', password: PASSWORD, ...extra });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 400, label: 'bad-request', message: expect.stringContaining(message) });
    expect((await req('GET', '/scim/auth-tokens', bearer)).json().tokens).toEqual([]);
  });

  it('rotates at the limit with overlap: both tokens work until the old one is deleted', async () => {
    const bearer = await owner();
    const a = (await req('POST', '/scim/auth-tokens', bearer, { description: 'okta', password: PASSWORD, name: 'okta' })).json();
    await req('POST', '/scim/auth-tokens', bearer, { description: 'other', password: PASSWORD });
    expect((await req('POST', '/scim/auth-tokens', bearer, { description: 'x', password: PASSWORD })).json().label).toBe(
      'token-limit-reached',
    );
    const wrongPassword = await req('POST', `/scim/auth-tokens/${a.info.id}/rotate`, bearer, { password: 'nope' });
    expect([wrongPassword.statusCode, wrongPassword.json().label]).toEqual([403, 'access-denied']);
    const r = await req('POST', `/v7/scim/auth-tokens/${a.info.id}/rotate`, bearer, { password: PASSWORD, expires_in: 3600 });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.info).toMatchObject({ description: 'okta', name: 'okta', rotated_from: a.info.id, replaced_by: null });
    const v = scim();
    expect((await v.check(a.token)).ok).toBe(true);
    expect((await v.check(b.token)).ok).toBe(true);
    const listed = (await req('GET', '/scim/auth-tokens', bearer)).json().tokens as Array<{ id: string; replaced_by: string | null }>;
    expect(listed.find((t) => t.id === a.info.id)?.replaced_by).toBe(b.info.id);
    const again = await req('POST', `/scim/auth-tokens/${a.info.id}/rotate`, bearer, { password: PASSWORD });
    expect([again.statusCode, again.json().label]).toEqual([409, 'rotation-in-progress']);
    expect((await req('DELETE', `/scim/auth-tokens?id=${a.info.id}`, bearer)).statusCode).toBe(204);
    expect(await v.check(a.token)).toEqual({ ok: false, reason: 'invalid' });
    expect((await v.check(b.token)).ok).toBe(true);
    expect(await new CassandraScimTokenLifecycleStore(env.db).get(hashScimToken(a.token))).toBeNull();
    const missing = await req('POST', `/scim/auth-tokens/${randomUUID()}/rotate`, bearer, { password: PASSWORD });
    expect([missing.statusCode, missing.json().label]).toEqual([404, 'not-found']);
  });
});
