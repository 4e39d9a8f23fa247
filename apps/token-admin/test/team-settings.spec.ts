// The /team-settings page and its JSON endpoint on real Cassandra and Redis: the headers of the
// page and its script, sign-in the way the page does it (POST /login, then POST /access with the
// cookie), members without admin rights, and the details values (certificate expiry, metadata
// source, bound users) from rows written to Cassandra.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdpId, FakeClock, type TeamId, type UserId, newIdpId, systemClock } from '@sso/domain';
import {
  CassandraDb,
  CassandraIdpMetadataSourceStore,
  type IdpRecord,
  cassandraIdentityStores,
  cassandraSparStores,
} from '@sso/persistence';
import { StoresModule, pageCspOf } from '@sso/platform';
import { keyInfoXml } from '@sso/saml';
import { type TestApp, TestIdp, startTestApp, testConfig } from '@sso/testing';
import { tokenAdmin } from '../src/app';
import { TEAM_SETTINGS_SCRIPT } from '../src/team-settings/team-settings.client';
import { teamSettingsPage } from '../src/team-settings/team-settings.page';
import { TeamsHandler } from '../src/teams/teams.handler';
import { writeKeysFile } from './fixture';

const PASSWORD = 'correct horse battery';
const DAY = 86_400_000;

describe('/team-settings on real Cassandra and Redis', () => {
  let idpKey: TestIdp;
  let notAfter: number;
  let clock: FakeClock;
  let t: TestApp;
  let db: CassandraDb;
  let teams: TeamsHandler;
  const config = testConfig({
    'auth.keysFile': writeKeysFile(),
    'saml.spSsoUri': 'https://wire.example.com/sso',
    'rateLimits.loginPerAddress.limit': 100_000,
  });

  const req = (method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      payload: opts.body as never,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    });

  beforeAll(async () => {
    idpKey = await TestIdp.create();
    // The test certificate lives two days; the app's clock starts 40 days before it expires and moves.
    const { X509Certificate } = await import('node:crypto');
    notAfter = Date.parse(new X509Certificate(idpKey.key.certPem).validTo);
    clock = new FakeClock(notAfter - 40 * DAY);
    t = await startTestApp({ ...tokenAdmin, imports: [StoresModule.forRoot({ clock }), ...tokenAdmin.imports.slice(1)] }, config);
    db = new CassandraDb(config.cassandra);
    await db.connect();
    teams = new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock);
  });
  afterAll(async () => {
    await t?.close();
    await db?.shutdown();
  });

  async function newTeam() {
    const email = `${randomUUID()}@example.com`;
    const created = await teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    return { team: created.team as TeamId, owner: created.owner as UserId, email };
  }

  async function addUser(team: TeamId, role: 'admin' | 'member' = 'member') {
    const email = `${randomUUID()}@example.com`;
    const { user } = await teams.addMember(team, { email, password: PASSWORD, role });
    return { user: user as UserId, email };
  }

  /** Signs in as the page does: POST /login sets the cookie; POST /access turns it into a bearer token. */
  async function signIn(email: string): Promise<string> {
    const login = await req('POST', '/login?persist=false', { body: { email, password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const access = await req('POST', '/access', { headers: { cookie } });
    expect(access.statusCode, access.body).toBe(200);
    return access.json().access_token as string;
  }

  async function insertIdp(team: TeamId, fields: Partial<IdpRecord> = {}): Promise<IdpRecord> {
    const rec: IdpRecord = {
      id: newIdpId(),
      team,
      issuer: `https://idp.example.com/${randomUUID()}`,
      requestUri: 'https://idp.example.com/sso',
      certs: [keyInfoXml(idpKey.key.certBase64)],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: 'Entra <b>ID</b>',
      domain: null,
      ...fields,
    };
    await cassandraSparStores(db).idps.insert(rec);
    return rec;
  }

  describe('the page', () => {
    it('is served to anyone with the page CSP, no framing, nosniff and no caching', async () => {
      const r = await req('GET', '/team-settings');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(pageCspOf(teamSettingsPage()));
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cache-control']).toContain('no-store');
      expect(r.body).toContain('<form id="signin-form"');
      expect(r.body).toContain('src="team-settings/app.js"');
    });

    it('also answers under an API version prefix, so the relative script URL follows it', async () => {
      expect((await req('GET', '/v8/team-settings')).statusCode).toBe(200);
      expect((await req('GET', '/v8/team-settings/app.js')).body).toBe(TEAM_SETTINGS_SCRIPT);
    });

    it('serves its script as JavaScript with nosniff', async () => {
      const r = await req('GET', '/team-settings/app.js');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body).toBe(TEAM_SETTINGS_SCRIPT);
    });

    it('answers an unknown path under /team-settings with a Wire 404, not the page', async () => {
      const r = await req('GET', '/team-settings/nothing-here');
      expect(r.statusCode).toBe(404);
      expect(r.json().label).toBe('no-endpoint');
    });
  });

  describe('signing in as the page does', () => {
    it('refuses a wrong password with the label the page puts in words', async () => {
      const { email } = await newTeam();
      const r = await req('POST', '/login?persist=false', { body: { email, password: 'not the password' } });
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('invalid-credentials');
      expect(r.headers['set-cookie']).toBeUndefined();
    });

    it('refuses token creation with a wrong password again (access-denied), at the API version the page uses', async () => {
      const { email } = await newTeam();
      const token = await signIn(email);
      const r = await req('POST', '/v8/scim/auth-tokens', { token, body: { description: 'entra', password: 'nope' } });
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('access-denied');
      const ok = await req('POST', '/v8/scim/auth-tokens', { token, body: { description: 'entra', password: PASSWORD } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().info.idp).toBeNull(); // v8: no connection chosen means unbound
    });

    it('details need a bearer token: none, a bad one, or a cookie alone is 401', async () => {
      const { email } = await newTeam();
      const cookie = String((await req('POST', '/login', { body: { email, password: PASSWORD } })).headers['set-cookie']).split(';')[0];
      const cases: Array<Record<string, string>> = [{}, { authorization: 'Bearer nonsense' }, { cookie }];
      for (const headers of cases) {
        const r = await req('GET', '/team-settings/details', { headers });
        expect(r.statusCode).toBe(401);
        expect(['missing-auth', 'invalid-token']).toContain(r.json().label);
      }
    });

    it('tells members without admin rights why, with insufficient-permissions', async () => {
      const { team } = await newTeam();
      const member = await addUser(team, 'member');
      const token = await signIn(member.email);
      const r = await req('GET', '/team-settings/details', { token });
      expect(r.statusCode).toBe(403);
      expect(r.json().label).toBe('insufficient-permissions');
      // The page also reads /self for the name; members may.
      expect((await req('GET', '/self', { token })).statusCode).toBe(200);
    });

    it('lets admins in, not only the owner', async () => {
      const { team } = await newTeam();
      const admin = await addUser(team, 'admin');
      const r = await req('GET', '/team-settings/details', { token: await signIn(admin.email) });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().team).toBe(team);
    });
  });

  describe('the details', () => {
    it('gives the URLs to hand out, from the configured public URL', async () => {
      const { team, email } = await newTeam();
      const rec = await insertIdp(team);
      const r = await req('GET', '/team-settings/details', { token: await signIn(email) });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['cache-control'] ?? '').not.toContain('public');
      const d = r.json();
      expect(d).toMatchObject({
        team,
        public_url: 'https://wire.example.com',
        sp_metadata_url: `https://wire.example.com/sso/metadata/${team}`,
        scim_base_url: 'https://wire.example.com/scim/v2',
        scim_token_limit: config.scim.maxScimTokens,
      });
      expect(d.idps).toHaveLength(1);
      expect(d.idps[0]).toMatchObject({
        id: rec.id,
        handle: 'Entra <b>ID</b>',
        issuer: rec.issuer,
        sso_code: `wire-${rec.id}`,
        login_url: `https://wire.example.com/sso/login?code=wire-${rec.id}`,
        metadata_source: { kind: 'upload' },
        bound_users: 0,
      });
    });

    it('tells an uploaded metadata from one refreshed from a URL, with its last refresh', async () => {
      const { team, email } = await newTeam();
      const uploaded = await insertIdp(team, { handle: 'Uploaded' });
      const fetched = await insertIdp(team, { handle: 'Fetched' });
      const checkedAt = new Date(Date.UTC(2026, 11, 4, 8, 0, 0));
      await new CassandraIdpMetadataSourceStore(db).put({
        idp: fetched.id,
        team,
        url: 'https://idp.example.com/federationmetadata.xml',
        checkedAt,
        appliedAt: checkedAt,
        validUntil: null,
        lastError: null,
      });
      const d = (await req('GET', '/team-settings/details', { token: await signIn(email) })).json();
      const byId = Object.fromEntries(d.idps.map((i: { id: IdpId }) => [i.id, i]));
      expect(byId[uploaded.id].metadata_source).toEqual({ kind: 'upload' });
      expect(byId[fetched.id].metadata_source).toEqual({
        kind: 'url',
        url: 'https://idp.example.com/federationmetadata.xml',
        checked_at: checkedAt.toISOString(),
        applied_at: checkedAt.toISOString(),
        valid_until: null,
        last_error: null,
      });
    });

    it("counts the team's users bound to the IdP, not another team's on the same issuer", async () => {
      const { team, email } = await newTeam();
      const other = await newTeam();
      const rec = await insertIdp(team);
      const empty = await insertIdp(team, { handle: 'Empty' });
      await insertIdp(other.team, { issuer: rec.issuer }); // v2 issuers are unique per team only
      const saml = cassandraSparStores(db).samlUsers;
      for (let i = 0; i < 5; i++) {
        const u = await addUser(team);
        await saml.insert({ issuer: rec.issuer, normalizedNameId: `mine-${i}`, ssoId: `<NameID>mine-${i}</NameID>`, uid: u.user });
      }
      for (let i = 0; i < 3; i++) {
        const u = await addUser(other.team);
        await saml.insert({ issuer: rec.issuer, normalizedNameId: `theirs-${i}`, ssoId: `<NameID>theirs-${i}</NameID>`, uid: u.user });
      }
      const d = (await req('GET', '/team-settings/details', { token: await signIn(email) })).json();
      const byId = Object.fromEntries(d.idps.map((i: { id: IdpId; bound_users: number }) => [i.id, i.bound_users]));
      expect(byId).toEqual({ [rec.id]: 5, [empty.id]: 0 });
      // The other team sees its own three, and never this team's IdPs.
      const theirs = (await req('GET', '/team-settings/details', { token: await signIn(other.email) })).json();
      expect(theirs.idps.map((i: { bound_users: number }) => i.bound_users)).toEqual([3]);
    });
  });

  // Last: it moves the app's clock forward for good.
  describe('the certificate expiry', () => {
    it('gives the certificate expiry: ok 40 days ahead, expiring within 30, expired after', async () => {
      const { team, email } = await newTeam();
      await insertIdp(team);
      const details = async () => (await req('GET', '/team-settings/details', { token: await signIn(email) })).json().idps[0];
      const ok = await details();
      expect(ok.cert_status).toBe('ok');
      expect(ok.cert_expiry).toBe(new Date(notAfter).toISOString());
      expect(ok.certificates).toEqual([{ subject: `CN=test-idp`, not_after: new Date(notAfter).toISOString(), status: 'ok' }]);
      clock.advance(11 * DAY); // 29 days left
      expect((await details()).cert_status).toBe('expiring');
      clock.advance(30 * DAY); // a day past
      expect((await details()).cert_status).toBe('expired');
    });
  });
});
