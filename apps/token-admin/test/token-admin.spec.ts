import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService, generateKeyEntry, hashScimToken, keyRingFromEntries } from '@sso/auth';
import { type IdpId, type TeamId, type UserId, systemClock } from '@sso/domain';
import { type CassandraDb, cassandraIdentityStores, cassandraSparStores } from '@sso/persistence';
import { type TestApp, startTestApp, testConfig } from '@sso/testing';
import { tokenAdmin } from '../src/app';
import { TeamsHandler } from '../src/teams/teams.handler';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from './fixture';

const keyEntry = generateKeyEntry('test-1');
const keysFile = writeKeysFile(keyEntry);

const PASSWORD = 'correct horse battery';

describe('token-admin on real Cassandra and Redis', () => {
  let t: TestApp;
  let db: CassandraDb;
  let teams: TeamsHandler;
  const config = testConfig({
    'auth.keysFile': keysFile,
    defaultLocale: 'pt-BR',
    'rateLimits.loginPerEmail.limit': 5,
    'rateLimits.loginPerAddress.limit': 100_000,
  });

  const req = (method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      payload: opts.body as never,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    });

  async function newTeam(role: 'owner' | 'admin' | 'member' = 'owner') {
    const email = `${randomUUID()}@example.com`;
    const created = await teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    if (role === 'owner') return { ...created, email, user: created.owner };
    const memberEmail = `${randomUUID()}@example.com`;
    const { user } = await teams.addMember(created.team, { email: memberEmail, password: PASSWORD, role });
    return { ...created, email: memberEmail, user };
  }

  async function login(email: string, password = PASSWORD, query = '') {
    return req('POST', `/login${query}`, { body: { email, password } });
  }

  async function bearer(email: string) {
    const r = await login(email);
    expect(r.statusCode).toBe(200);
    return r.json().access_token as string;
  }

  let env: TokenAdminEnv | undefined;

  beforeAll(async () => {
    ({ t, db, teams } = env = await startTokenAdmin(config));
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('login', () => {
    it('logs in: 200 with a 15-minute bearer token, the user id and a zuid cookie', async () => {
      const { email, owner } = await newTeam();
      const r = await login(email, PASSWORD, '?persist=false');
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ access_token: expect.any(String), expires_in: 900, token_type: 'Bearer', user: owner });
      const cookie = String(r.headers['set-cookie']);
      expect(cookie).toMatch(/^zuid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/); // no Expires: a session cookie
      const persistent = await login(email, PASSWORD, '?persist=true');
      expect(String(persistent.headers['set-cookie'])).toMatch(/; Expires=/);
    });

    it('accepts the email in any case', async () => {
      const { email } = await newTeam();
      expect((await login(email.toUpperCase())).statusCode).toBe(200);
    });

    it('refuses a wrong password and an unknown email alike', async () => {
      const { email } = await newTeam();
      for (const r of [await login(email, 'wrong password'), await login(`${randomUUID()}@example.com`)]) {
        expect(r.statusCode).toBe(403);
        expect(r.json()).toEqual({ code: 403, label: 'invalid-credentials', message: 'Authentication failed' });
      }
    });

    it('refuses suspended users with their own label', async () => {
      const { email, owner } = await newTeam();
      await cassandraIdentityStores(db).users.update(owner as UserId, { status: 'suspended' });
      const r = await login(email);
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('suspended');
    });

    it.each([
      ['missing fields', { email: 'a@b.c' }],
      ['wrong types', { email: 1, password: [] }],
      ['empty body', undefined],
    ])('refuses %s with 400', async (_, body) => {
      const r = await req('POST', '/login', { body, headers: body === undefined ? { 'content-type': 'application/json' } : {} });
      expect(r.statusCode).toBe(400);
      expect(r.json().label).toBe('bad-request');
    });

    it('refuses malformed and oversized JSON with 400 and 413, never 500', async () => {
      // Raw strings, sent as they are: the JSON body parser is what is under test.
      const json = { 'content-type': 'application/json' };
      const bad = await req('POST', '/login', { body: '{"email":', headers: json });
      expect(bad.statusCode).toBe(400);
      const big = await req('POST', '/login', {
        body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }),
        headers: json,
      });
      expect(big.statusCode).toBe(413);
    });

    it('rate-limits attempts per email with 429 and Retry-After', async () => {
      const { email } = await newTeam();
      for (let i = 0; i < 5; i++) expect((await login(email, 'wrong password')).statusCode).toBe(403);
      const r = await login(email); // even the right password, once over the limit
      expect(r.statusCode).toBe(429);
      expect(r.json().label).toBe('too-many-requests');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      // Another account from the same address is unaffected.
      expect((await login((await newTeam()).email)).statusCode).toBe(200);
    });

    it('turns the cookie into fresh access tokens, and logout revokes it', async () => {
      const { email, owner } = await newTeam();
      const cookie = String((await login(email)).headers['set-cookie']).split(';')[0];
      const a = await req('POST', '/access', { headers: { cookie } });
      expect(a.statusCode).toBe(200);
      expect(a.json()).toMatchObject({ user: owner, token_type: 'Bearer', expires_in: 900 });
      expect((await req('GET', '/self', { token: a.json().access_token })).statusCode).toBe(200);
      const out = await req('POST', '/logout', { headers: { cookie } });
      expect(out.statusCode).toBe(200);
      expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
      const again = await req('POST', '/access', { headers: { cookie } });
      expect(again.statusCode).toBe(403);
      expect(again.json().label).toBe('invalid-credentials');
    });

    it('a new login with the same cookie label revokes the older cookie (brig); unlabelled and other labels stay', async () => {
      const { email } = await newTeam();
      const loginWith = async (label?: string) => {
        const r = await req('POST', '/login?persist=true', { body: { email, password: PASSWORD, ...(label ? { label } : {}) } });
        expect(r.statusCode, r.body).toBe(200);
        return String(r.headers['set-cookie']).split(';')[0];
      };
      const laptop = await loginWith('laptop');
      const phone = await loginWith('phone');
      const plain = await loginWith();
      const laptop2 = await loginWith('laptop');
      expect((await req('POST', '/access', { headers: { cookie: laptop } })).statusCode).toBe(403);
      for (const cookie of [phone, plain, laptop2]) expect((await req('POST', '/access', { headers: { cookie } })).statusCode).toBe(200);
    });

    it('refuses /access without a cookie or with a forged one', async () => {
      expect((await req('POST', '/access')).statusCode).toBe(403);
      expect((await req('POST', '/access', { headers: { cookie: 'zuid=abc.def.ghi' } })).statusCode).toBe(403);
      // An access token is not a cookie.
      const { email } = await newTeam();
      const token = await bearer(email);
      expect((await req('POST', '/access', { headers: { cookie: `zuid=${token}` } })).statusCode).toBe(403);
    });
  });

  describe('access tokens on /self', () => {
    it('returns the caller', async () => {
      const { email, owner, team } = await newTeam();
      const r = await req('GET', '/self', { token: await bearer(email) });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ id: owner, email, team, managed_by: 'wire', status: 'active', locale: 'en' });
    });

    it("shows the backend's default locale for a user without a language (DEFAULT_LOCALE)", async () => {
      const { email, owner } = await newTeam();
      await cassandraIdentityStores(db, systemClock).users.update(owner, { language: null, country: null });
      expect((await req('GET', '/self', { token: await bearer(email) })).json()).toMatchObject({ id: owner, locale: 'pt-BR' });
    });

    it('refuses missing, malformed, tampered, expired and foreign-key tokens with 401', async () => {
      const { email, owner } = await newTeam();
      const good = await bearer(email);
      const [h, p, s] = good.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: randomUUID() })).toString('base64url')}.${s}`;
      const expired = await new TokenService(keyRingFromEntries([keyEntry]), { now: () => new Date(Date.now() - 3600_000) }).issueAccess(
        owner as UserId,
      );
      const foreign = await new TokenService(keyRingFromEntries([generateKeyEntry('test-1')]), systemClock).issueAccess(owner as UserId);
      const cases: Array<[string | undefined, string]> = [
        [undefined, 'missing-auth'],
        ['not-a-token', 'invalid-token'],
        [tampered, 'invalid-token'],
        [expired, 'invalid-token'],
        [foreign, 'invalid-token'],
      ];
      for (const [token, label] of cases) {
        const r = await req('GET', '/self', { token });
        expect(r.statusCode, label).toBe(401);
        expect(r.json().label).toBe(label);
      }
    });

    it('ignores Z-User unless it comes from a configured proxy', async () => {
      const { owner } = await newTeam();
      const r = await req('GET', '/self', { headers: { 'z-user': owner } });
      expect(r.statusCode).toBe(401);
      const elsewhere = await startTestApp(
        tokenAdmin,
        testConfig({ 'auth.keysFile': keysFile, 'auth.trustedZUserProxies': ['10.0.0.0/8'] }),
      );
      try {
        expect((await elsewhere.app.inject({ method: 'GET', url: '/self', headers: { 'z-user': owner } })).statusCode).toBe(401);
      } finally {
        await elsewhere.close();
      }
    });

    it("trusts Z-User from a configured proxy (drop-in behind Wire's nginz)", async () => {
      const { owner } = await newTeam();
      const behindNginz = await startTestApp(
        tokenAdmin,
        testConfig({ 'auth.keysFile': keysFile, 'auth.trustedZUserProxies': ['127.0.0.0/8'] }),
      );
      try {
        const ok = await behindNginz.app.inject({ method: 'GET', url: '/self', headers: { 'z-user': owner } });
        expect(ok.statusCode).toBe(200);
        expect(ok.json().id).toBe(owner);
        const bad = await behindNginz.app.inject({ method: 'GET', url: '/self', headers: { 'z-user': 'not-a-uuid' } });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().label).toBe('client-error');
      } finally {
        await behindNginz.close();
      }
    });
  });

  describe('SCIM tokens', () => {
    const create = (token: string, body: Record<string, unknown> = { description: 'prov', password: PASSWORD }, version = '') =>
      req('POST', `${version}/scim/auth-tokens`, { token, body });

    it('creates, lists, renames and deletes, storing only the hash', async () => {
      const { email, team } = await newTeam();
      const token = await bearer(email);
      const c = await create(token, { description: 'entra', password: PASSWORD, name: 'first' });
      expect(c.statusCode).toBe(200);
      const { token: secret, info } = c.json();
      expect(secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(info).toEqual({
        id: expect.any(String),
        team,
        created_at: expect.stringMatching(/Z$/),
        idp: null,
        description: 'entra',
        name: 'first',
        // Not in spar (token lifecycle): a token without expiry, never used, not rotated.
        expires_at: null,
        last_used: null,
        expired: false,
        expires_soon: false,
        rotated_from: null,
        replaced_by: null,
      });

      const rows = await db.execute('t', `SELECT token_ FROM ${db.config.keyspaces.spar}.team_provisioning_by_team WHERE team = ?`, [team]);
      expect(rows.rows.map((r) => r.token_)).toEqual([hashScimToken(secret)]);
      const byToken = await db.execute('t', `SELECT team FROM ${db.config.keyspaces.spar}.team_provisioning_by_token WHERE token_ = ?`, [
        secret,
      ]);
      expect(byToken.rows).toHaveLength(0);
      expect(t.logs()).not.toContain(secret);

      const second = (await create(token, { description: 'okta', password: PASSWORD })).json().info;
      expect(second.name).toBe(second.id);
      const list = await req('GET', '/scim/auth-tokens', { token });
      expect(list.json().tokens.map((x: { id: string }) => x.id)).toEqual([info.id, second.id]);
      expect(JSON.stringify(list.json())).not.toContain(secret);

      const renamed = await req('PUT', `/scim/auth-tokens/${info.id}`, { token, body: { name: 'renamed' } });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toEqual([]);
      expect((await req('GET', '/scim/auth-tokens', { token })).json().tokens[0].name).toBe('renamed');

      expect((await req('DELETE', `/scim/auth-tokens?id=${info.id}`, { token })).statusCode).toBe(204);
      expect((await req('GET', '/scim/auth-tokens', { token })).json().tokens.map((x: { id: string }) => x.id)).toEqual([second.id]);
    });

    it('re-authenticates: a wrong or missing password is refused', async () => {
      const { email } = await newTeam();
      const token = await bearer(email);
      for (const body of [{ description: 'x', password: 'nope nope' }, { description: 'x' }]) {
        const r = await create(token, body);
        expect(r.statusCode).toBe(403);
        // spar's label and text, which clients match on.
        expect(r.json()).toEqual({ code: 403, label: 'access-denied', message: 'This operation requires reauthentication.' });
      }
    });

    it('lets only owners and admins manage tokens', async () => {
      const member = await newTeam('member');
      const r = await create(await bearer(member.email));
      expect(r.statusCode).toBe(403);
      expect(r.json()).toEqual({ code: 403, label: 'insufficient-permissions', message: 'You need permission CreateReadDeleteScimToken.' });
      expect((await req('GET', '/scim/auth-tokens', { token: await bearer(member.email) })).statusCode).toBe(403);
      const admin = await newTeam('admin');
      expect((await create(await bearer(admin.email))).statusCode).toBe(200);
    });

    it('refuses the ninth token of a team', async () => {
      const { email } = await newTeam();
      const token = await bearer(email);
      for (let i = 0; i < 8; i++) expect((await create(token)).statusCode).toBe(200);
      const r = await create(token);
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('token-limit-reached');
    });

    it("never renames or deletes another team's token", async () => {
      const a = await newTeam();
      const b = await newTeam();
      const ta = await bearer(a.email);
      const tb = await bearer(b.email);
      const id = (await create(ta)).json().info.id;
      const rename = await req('PUT', `/scim/auth-tokens/${id}`, { token: tb, body: { name: 'mine now' } });
      expect(rename.statusCode).toBe(404);
      expect((await req('PUT', `/scim/auth-tokens/${randomUUID()}`, { token: ta, body: { name: 'x' } })).statusCode).toBe(404);
      expect((await req('DELETE', `/scim/auth-tokens?id=${id}`, { token: tb })).statusCode).toBe(204);
      const still = (await req('GET', '/scim/auth-tokens', { token: ta })).json().tokens;
      expect(still).toEqual([expect.objectContaining({ id, name: id })]);
    });

    it("binds an IdP only if it is one of the caller's team; v0-7 bind the team's only IdP implicitly", async () => {
      const { email, team } = await newTeam();
      const other = await newTeam();
      const token = await bearer(email);
      const spar = cassandraSparStores(db);
      const idp = (n: number, t: string) => ({
        id: randomUUID() as IdpId,
        team: t as TeamId,
        issuer: `https://idp.example.com/${randomUUID()}`,
        requestUri: 'https://idp.example.com/sso',
        certs: [`<ds:KeyInfo>${n}</ds:KeyInfo>`],
        apiVersion: 2 as const,
        oldIssuers: [],
        replacedBy: null,
        handle: `IdP ${n}`,
        domain: null,
      });
      const foreign = idp(9, other.team);
      await spar.idps.insert(foreign);
      const r = await create(token, { description: 'x', password: PASSWORD, idp: foreign.id });
      expect(r.statusCode).toBe(404);

      // No IdP: none bound.
      expect((await create(token)).json().info.idp).toBeNull();
      const only = idp(1, team);
      await spar.idps.insert(only);
      expect((await create(token)).json().info.idp).toBe(only.id); // v0: implicit
      expect((await create(token, undefined, '/v8')).json().info.idp).toBeNull(); // v8: explicit only
      expect((await create(token, { description: 'x', password: PASSWORD, idp: only.id }, '/v8')).json().info.idp).toBe(only.id);
      await spar.idps.insert(idp(2, team));
      const two = await create(token);
      expect(two.statusCode).toBe(400);
      expect(two.json().label).toBe('more-than-one-idp');
    });

    it('makes the token-before-IdP trap visible: an unbound token in a team with IdPs carries a warning, in the answer and the list', async () => {
      const { email, team } = await newTeam();
      const token = await bearer(email);
      const spar = cassandraSparStores(db);
      // README's order: the token comes first, while the team has no IdP: unbound, nothing to warn about yet.
      const early = await create(token);
      expect(early.json().info.idp).toBeNull();
      expect(early.json().info.warning).toBeUndefined();
      const idp = {
        id: randomUUID() as IdpId,
        team: team as TeamId,
        issuer: `https://idp.example.com/${randomUUID()}`,
        requestUri: 'https://idp.example.com/sso',
        certs: ['<ds:KeyInfo>1</ds:KeyInfo>'],
        apiVersion: 2 as const,
        oldIssuers: [],
        replacedBy: null,
        handle: 'IdP 1',
        domain: null,
      };
      await spar.idps.insert(idp);
      // v8 and later never bind implicitly: an unbound token now gets the warning.
      const late = await create(token, undefined, '/v8');
      expect(late.statusCode).toBe(200);
      expect(late.json().info).toMatchObject({ idp: null, warning: expect.stringContaining('cannot log in with SSO') });
      const bound = await create(token, { description: 'x', password: PASSWORD, idp: idp.id }, '/v8');
      expect(bound.json().info.idp).toBe(idp.id);
      expect(bound.json().info.warning).toBeUndefined();
      // The list shows each token's binding; the unbound ones, the early one included, warn.
      const list = (await req('GET', '/v8/scim/auth-tokens', { token })).json().tokens as Array<{
        id: string;
        idp: string | null;
        warning?: string;
      }>;
      expect(list.map((t) => [t.id, t.idp, t.warning !== undefined])).toEqual([
        [early.json().info.id, null, true],
        [late.json().info.id, null, true],
        [bound.json().info.id, idp.id, false],
      ]);
    });

    it('refuses users outside any team', async () => {
      const users = cassandraIdentityStores(db).users;
      const email = `${randomUUID()}@example.com`;
      const created = await teams.createTeam({ name: 'T', owner: { email, password: PASSWORD } });
      const token = await bearer(email);
      await cassandraIdentityStores(db).teams.removeMember(created.team, created.owner);
      expect(await users.get(created.owner)).not.toBeNull();
      const r = await create(token);
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('no-team-member');
    });
  });

  describe('team bootstrap', () => {
    it('creates a team whose owner can log in, and refuses a taken email', async () => {
      const email = `${randomUUID()}@example.com`;
      const r = await t.app.inject({ method: 'POST', url: '/i/teams', payload: { name: 'Acme', owner: { email, password: PASSWORD } } });
      expect(r.statusCode).toBe(201);
      expect(r.json()).toEqual({ team: expect.any(String), owner: expect.any(String) });
      expect((await login(email)).statusCode).toBe(200);
      const again = await t.app.inject({
        method: 'POST',
        url: '/i/teams',
        payload: { name: 'Acme 2', owner: { email: email.toUpperCase(), password: PASSWORD } },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().label).toBe('key-exists');
    });

    it('ends 20 concurrent creates with one email in exactly one team', async () => {
      const email = `${randomUUID()}@example.com`;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => teams.createTeam({ name: `T${i}`, owner: { email, password: PASSWORD } })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const owner = (won[0] as PromiseFulfilledResult<{ owner: UserId }>).value.owner;
      expect(await cassandraIdentityStores(db).users.lookupEmail(email)).toBe(owner);
    });

    it('adds members with a role, and validates input', async () => {
      const { team } = await newTeam();
      const ok = await t.app.inject({
        method: 'POST',
        url: `/i/teams/${team}/members`,
        payload: { email: `${randomUUID()}@example.com`, role: 'admin' },
      });
      expect(ok.statusCode).toBe(201);
      for (const payload of [
        { email: 'not-an-email', role: 'member' },
        { email: 'a@b.co', role: 'emperor' },
      ]) {
        expect((await t.app.inject({ method: 'POST', url: `/i/teams/${team}/members`, payload })).statusCode).toBe(400);
      }
      const missing = await t.app.inject({
        method: 'POST',
        url: `/i/teams/${randomUUID()}/members`,
        payload: { email: 'x@y.zz', role: 'member' },
      });
      expect(missing.statusCode).toBe(404);
    });

    it("reads and sets the team's sso feature (default from config), validating input", async () => {
      const { team } = await newTeam();
      const url = `/i/teams/${team}/features/sso`;
      expect((await t.app.inject({ method: 'GET', url })).json()).toEqual({ status: 'enabled' });
      const off = await t.app.inject({ method: 'PUT', url, payload: { status: 'disabled' } });
      expect(off.statusCode, off.body).toBe(200);
      expect((await t.app.inject({ method: 'GET', url })).json()).toEqual({ status: 'disabled' });
      expect(await cassandraIdentityStores(db).teams.ssoStatus(team)).toBe('disabled');
      for (const payload of [{ status: 'on' }, {}, { status: 1 }])
        expect((await t.app.inject({ method: 'PUT', url, payload })).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'GET', url: `/i/teams/${randomUUID()}/features/sso` })).statusCode).toBe(404);
      expect(
        (await t.app.inject({ method: 'PUT', url: `/i/teams/${randomUUID()}/features/sso`, payload: { status: 'enabled' } })).statusCode,
      ).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/i/teams/not-a-uuid/features/sso' })).statusCode).toBe(400);
      const strict = new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock, 'disabled');
      expect(await strict.ssoFeature((await newTeam()).team)).toEqual({ status: 'disabled' });
    });
  });

  it('documents every public route with examples', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api-docs/token-admin/openapi.json' })).json();
    // Each route once, under the path Wire's clients use; /logout is described as an alias.
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/access',
      '/access/logout',
      '/activate',
      '/domain-verification',
      '/domain-verification/{domain}',
      '/domain-verification/{domain}/challenges',
      '/domain-verification/{domain}/idp',
      '/domain-verification/{domain}/verify',
      '/get-domain-registration',
      '/login',
      '/password-reset',
      '/password-reset/complete',
      '/password-reset/set',
      '/scim/auth-tokens',
      '/scim/auth-tokens/{id}',
      '/scim/auth-tokens/{id}/rotate',
      '/self',
      '/team-settings',
      '/team-settings/activity',
      '/team-settings/app.js',
      '/team-settings/details',
      '/teams/invitations/accept',
    ]);
    // The invitation and activation pages: both methods, each answer with an HTML example.
    for (const path of ['/teams/invitations/accept', '/activate']) {
      for (const method of ['get', 'post']) {
        const op = doc.paths[path][method];
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        for (const [status, r] of Object.entries(op.responses as Record<string, { content?: Record<string, { example?: unknown }> }>)) {
          if (Number(status) >= 500) continue;
          expect(r.content?.['text/html']?.example ?? r.content?.['application/json'], `${method} ${path} ${status}`).toBeTruthy();
        }
      }
    }
    expect(doc.paths['/access/logout'].post.description).toContain('`/logout`');
    expect((await t.app.inject({ method: 'POST', url: '/logout' })).statusCode).toBe(200);
    expect(JSON.stringify(doc)).not.toContain('/i/teams');
    const rotated = doc.paths['/scim/auth-tokens/{id}/rotate'].post.responses;
    expect(rotated['200'].content['application/json'].example.info).toMatchObject({ rotated_from: expect.any(String) });
    expect(rotated['409'].content['application/json'].example.label).toBe('rotation-in-progress');
    for (const name of [
      'LoginDto',
      'AccessTokenDto',
      'CreateScimTokenDto',
      'RotateScimTokenDto',
      'ScimTokenInfoDto',
      'TeamSettingsDetailsDto',
      'IdpDetailsDto',
      'CertificateInfoDto',
      'MetadataSourceDto',
      'ActivityPageDto',
      'ActivityEventDto',
      'ActivityActorDto',
      'ActivitySubjectDto',
      'PasswordResetRequestDto',
      'PasswordResetCompleteDto',
    ]) {
      const props = doc.components.schemas[name].properties;
      for (const [k, v] of Object.entries(props)) {
        if ((v as { $ref?: string }).$ref || (v as { type?: string }).type === 'array') continue;
        expect(v, `${name}.${k}`).toHaveProperty('example');
      }
    }
  });
});
