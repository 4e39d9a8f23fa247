import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdpId, type TeamId, emailKey, newIdpId } from '@sso/domain';
import { CassandraIdpDomainStore } from '@sso/persistence';
import { TestIdp, b64 } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';

const A = 'a.example.com';
const B = 'b.example.com';
const ssoOf = (host: string) => `https://${host}/sso`;

/** Multi-ingress (spar's spDomainConfigs): one SP per Z-Host; IdPs remember their domain. */
describe('multi-ingress on real Cassandra', () => {
  const h = new SamlHarness({
    'saml.spDomainConfigs': {
      [A]: { spSsoUri: ssoOf(A), spAppUri: `https://${A}/`, contacts: [{ type: 'ContactSupport', email: 'email:help@a.example.com' }] },
      [B]: { spSsoUri: ssoOf(B), spAppUri: `https://${B}/`, contacts: [{ type: 'ContactTechnical', company: 'B Corp' }] },
    },
  });
  let idp: TestIdp;

  beforeAll(async () => {
    await h.start();
    idp = await TestIdp.create();
  });
  afterAll(() => h.stop());

  const xml = { 'content-type': 'application/xml' };
  const host = (zHost?: string): Record<string, string> => (zHost === undefined ? {} : { 'z-host': zHost });

  async function createIdp(token: string, zHost: string | undefined, version = '/v8', x?: TestIdp) {
    return h.inject('POST', `${version}/identity-providers`, {
      token,
      body: (x ?? (await TestIdp.create())).metadata(),
      headers: { ...xml, ...host(zHost) },
    });
  }

  async function initiate(id: IdpId, zHost?: string) {
    const r = await h.inject('GET', `/sso/initiate-login/${id}`, { headers: host(zHost) });
    const m = /name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(r.body);
    const request = Buffer.from(m?.[1] ?? '', 'base64').toString('utf8');
    return { r, request, id: /ID="([^"]+)"/.exec(request)?.[1] ?? '', issuer: /<saml:Issuer[^>]*>([^<]*)</.exec(request)?.[1] };
  }

  function finalize(team: TeamId, response: string, zHost?: string) {
    return h.inject('POST', `/sso/finalize-login/${team}`, {
      body: `SAMLResponse=${encodeURIComponent(b64(response))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...host(zHost) },
    });
  }

  describe('SP metadata', () => {
    it("answers with the Z-Host's SP: entity id, ACS and contacts", async () => {
      const { team } = await h.newTeam();
      const a = await h.inject('GET', `/sso/metadata/${team}`, { headers: host(A) });
      expect(a.statusCode, a.body).toBe(200);
      expect(a.body).toContain(`entityID="${ssoOf(A)}/finalize-login/${team}"`);
      expect(a.body).toContain(`Location="${ssoOf(A)}/finalize-login/${team}"`);
      expect(a.body).toContain('help@a.example.com');
      expect(a.body).not.toContain('B Corp');
      const b = await h.inject('GET', '/sso/metadata', { headers: host(B) });
      expect(b.statusCode, b.body).toBe(200);
      expect(b.body).toContain(`entityID="${ssoOf(B)}/finalize-login"`);
      expect(b.body).toContain('B Corp');
      // Host names are case-insensitive; nginx's $host is lowercase anyway.
      expect((await h.inject('GET', '/sso/metadata', { headers: host('A.Example.COM') })).body).toContain(
        `entityID="${ssoOf(A)}/finalize-login"`,
      );
    });

    it.each([
      ['no Z-Host', undefined],
      ['an unconfigured host', 'c.example.com'],
      ['a configured host with a port', `${A}:443`],
      ['an empty header', ''],
    ])('is 404 not-found "Could not find SP." for %s', async (_, zHost) => {
      const { team } = await h.newTeam();
      for (const url of ['/sso/metadata', `/sso/metadata/${team}`, `/v8/sso/metadata/${team}`]) {
        const r = await h.inject('GET', url, { headers: host(zHost) });
        expect(r.statusCode, url).toBe(404);
        expect(r.json()).toEqual({ code: 404, label: 'not-found', message: 'Could not find SP.' });
      }
    });
  });

  describe('initiate-login', () => {
    it("issues the AuthnRequest as the Z-Host's SP", async () => {
      const { token } = await h.newTeam();
      const id = (await createIdp(token, A, '/v8', idp)).json().id as IdpId;
      const a = await initiate(id, A);
      expect(a.r.statusCode, a.r.body).toBe(200);
      expect(a.issuer).toMatch(new RegExp(`^${ssoOf(A)}/finalize-login/`));
      const b = await initiate(id, B);
      expect(b.issuer).toMatch(new RegExp(`^${ssoOf(B)}/finalize-login/`));
    });

    it('is 404 "Could not find SP." without Z-Host or for an unconfigured host; HEAD ignores Z-Host as in spar', async () => {
      const { token } = await h.newTeam();
      const id = (await createIdp(token, A)).json().id as IdpId;
      for (const zHost of [undefined, 'c.example.com']) {
        const r = await h.inject('GET', `/sso/initiate-login/${id}`, { headers: host(zHost) });
        expect(r.statusCode).toBe(404);
        expect(r.json()).toMatchObject({ label: 'not-found', message: 'Could not find SP.' });
      }
      expect((await h.inject('HEAD', `/sso/initiate-login/${id}`)).statusCode).toBe(200);
    });
  });

  describe('finalize-login', () => {
    /** A fresh team with an IdP registered through host A. */
    async function teamWithIdpOnA() {
      const { team, token } = await h.newTeam();
      const x = await TestIdp.create();
      const id = (await createIdp(token, A, '/v8', x)).json().id as IdpId;
      return { team, x, id };
    }

    /** Starts a login as A's SP and posts the IdP's answer for A's SP on `postHost`. */
    async function loginViaA(t: { team: TeamId; x: TestIdp; id: IdpId }, nameId: string, postHost: string | undefined) {
      const req = await initiate(t.id, A);
      return finalize(t.team, t.x.response({ sp: `${ssoOf(A)}/finalize-login/${t.team}`, requestId: req.id, nameId }).xml, postHost);
    }

    it('grants a login on the host the request was made for', async () => {
      const r = await loginViaA(await teamWithIdpOnA(), 'alice@example.com', A);
      expect(r.statusCode, r.body).toBe(200);
      expect(titleOf(r.body)).toBe('wire:sso:success');
      expect(r.headers['set-cookie']).toBeDefined();
    });

    it("denies a response for one host's SP posted on another configured host", async () => {
      const r = await loginViaA(await teamWithIdpOnA(), 'mallory@example.com', B);
      expect(r.statusCode, r.body).toBe(200);
      expect(titleOf(r.body)).toBe('wire:sso:error:forbidden');
      expect(r.headers['set-cookie']).toBeUndefined();
    });

    it('is the 404 "Could not find SP." error page without Z-Host or for an unconfigured host', async () => {
      const t = await teamWithIdpOnA();
      for (const zHost of [undefined, 'c.example.com']) {
        const r = await loginViaA(t, 'bob@example.com', zHost);
        expect(r.statusCode, r.body).toBe(404);
        expect(r.headers['content-type']).toMatch(/^text\/html/);
        expect(titleOf(r.body)).toBe('wire:sso:error:not-found');
        expect(r.body).toContain('Could not find SP.');
      }
    });
  });

  describe('IdP domain', () => {
    it('of concurrent creates on one domain, exactly one wins', async () => {
      const { token, team } = await h.newTeam();
      // Keys first: generating them would space the requests out.
      const idps = await Promise.all(Array.from({ length: 6 }, () => TestIdp.create()));
      const rs = await Promise.all(idps.map((x) => createIdp(token, A, '/v8', x)));
      expect(rs.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of rs.filter((x) => x.statusCode === 409)) expect(r.json().label).toBe('idp-duplicate-domain-for-team');
      expect((await h.spar.idps.listByTeam(team)).map((i) => i.domain)).toEqual([A]);
    });

    it('takes over a claim left by a failed request once it is old, not while it may be in flight', async () => {
      const { token, team } = await h.newTeam();
      const claims = new CassandraIdpDomainStore(h.db);
      expect(await claims.claim(team, A, newIdpId(), new Date())).toBeNull();
      const fresh = await createIdp(token, A);
      expect(fresh.statusCode, fresh.body).toBe(409);
      expect(await claims.claim(team, B, newIdpId(), new Date(Date.now() - 10 * 60_000))).toBeNull();
      const old = await createIdp(token, B);
      expect(old.statusCode, old.body).toBe(201);
      expect(await claims.claim(team, B, newIdpId(), new Date())).toEqual({ idp: old.json().id, claimedAt: expect.any(Date) });
    });

    it('frees the domain when its IdP is deleted', async () => {
      const { token } = await h.newTeam();
      const id = (await createIdp(token, A)).json().id as IdpId;
      expect((await h.inject('DELETE', `/identity-providers/${id}`, { token })).statusCode).toBe(204);
      expect((await createIdp(token, A)).statusCode).toBe(201);
    });

    it('create (v8+) stores the configured Z-Host as domain, in the idp table', async () => {
      const { token } = await h.newTeam();
      const r = await createIdp(token, A.toUpperCase());
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().extraInfo.domain).toBe(A);
      const id = r.json().id as IdpId;
      expect((await h.spar.idps.get(id))?.domain).toBe(A);
      const row = await h.db.execute('test.idp_domain', `SELECT domain FROM ${h.config.cassandra.keyspaces.spar}.idp WHERE idp = ?`, [id], {
        idempotent: true,
      });
      expect(row.first()?.domain).toBe(A);
      expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo.domain).toBe(A);
    });

    it('allows one IdP per domain and team: a second is 409 idp-duplicate-domain-for-team', async () => {
      const { token, team } = await h.newTeam();
      expect((await createIdp(token, A)).statusCode).toBe(201);
      const dup = await createIdp(token, A);
      expect(dup.statusCode, dup.body).toBe(409);
      expect(dup.json()).toEqual({
        code: 409,
        label: 'idp-duplicate-domain-for-team',
        message: 'This team already has an IdP configured for this domain.',
      });
      expect((await createIdp(token, B)).json().extraInfo.domain).toBe(B);
      // Another team may use the same domain.
      expect((await createIdp((await h.newTeam()).token, A)).statusCode).toBe(201);
      expect((await h.spar.idps.listByTeam(team)).map((i) => i.domain).sort()).toEqual([A, B]);
    });

    it('gives no domain for an unconfigured or missing Z-Host, nor before v8; those never clash', async () => {
      const { token } = await h.newTeam();
      expect((await createIdp(token, A)).statusCode).toBe(201);
      for (const [zHost, version] of [
        ['c.example.com', '/v8'],
        [undefined, '/v8'],
        [A, '/v7'],
        [A, ''],
      ] as const) {
        const r = await createIdp(token, zHost, version);
        expect(r.statusCode, `${version} ${zHost}: ${r.body}`).toBe(201);
        expect(r.json().extraInfo.domain).toBeNull();
      }
    });

    it('update sets the domain to the Z-Host, guards it, and clears it without one', async () => {
      const { token } = await h.newTeam();
      const x = await TestIdp.create();
      const a = (await createIdp(token, A, '/v8', x)).json().id as IdpId;
      const b = (await createIdp(token, B)).json().id as IdpId;
      const put = (zHost: string | undefined) =>
        h.inject('PUT', `/identity-providers/${a}`, { token, body: x.metadata(), headers: { ...xml, ...host(zHost) } });

      const same = await put(A);
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json().extraInfo.domain).toBe(A);
      const clash = await put(B);
      expect(clash.statusCode).toBe(409);
      expect(clash.json().label).toBe('idp-duplicate-domain-for-team');
      expect((await h.spar.idps.get(a))?.domain).toBe(A);

      const cleared = await put(undefined);
      expect(cleared.json().extraInfo.domain).toBeNull();
      expect((await h.spar.idps.get(a))?.domain).toBeNull();
      expect((await put('c.example.com')).json().extraInfo.domain).toBeNull();

      expect((await h.inject('DELETE', `/identity-providers/${b}`, { token })).statusCode).toBe(204);
      expect((await put(B)).json().extraInfo.domain).toBe(B);
      expect((await createIdp(token, A)).json().extraInfo.domain).toBe(A);
    });
  });
});

describe('single-ingress ignores Z-Host', () => {
  const h = new SamlHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('serves the one SP for any Z-Host and gives IdPs no domain', async () => {
    const { token, team } = await h.newTeam();
    for (const zHost of ['a.example.com', 'not a host:1']) {
      const r = await h.inject('GET', `/sso/metadata/${team}`, { headers: { 'z-host': zHost } });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain(`entityID="${h.sp(team)}"`);
    }
    const r = await h.inject('POST', '/v8/identity-providers', {
      token,
      body: (await TestIdp.create()).metadata(),
      headers: { 'content-type': 'application/xml', 'z-host': 'a.example.com' },
    });
    expect(r.json().extraInfo.domain).toBeNull();
    const again = await h.inject('POST', '/v8/identity-providers', {
      token,
      body: (await TestIdp.create()).metadata(),
      headers: { 'content-type': 'application/xml', 'z-host': 'a.example.com' },
    });
    expect(again.statusCode).toBe(201);
  });
});

describe('get-by-email picks the IdP of the Z-Host (multi-ingress)', () => {
  const h = new SamlHarness({
    'saml.enableIdPByEmailDiscovery': true,
    'saml.spDomainConfigs': {
      [A]: { spSsoUri: ssoOf(A), spAppUri: `https://${A}/` },
      [B]: { spSsoUri: ssoOf(B), spAppUri: `https://${B}/` },
    },
  });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('answers the IdP whose domain is the Z-Host, the one without a domain when there is no Z-Host, else 404', async () => {
    const { team, token } = await h.newTeam();
    const ids: Record<string, string> = {};
    for (const zHost of [A, B, undefined]) {
      const x = await TestIdp.create();
      const r = await h.inject('POST', '/v8/identity-providers', {
        token,
        body: x.metadata(),
        headers: { 'content-type': 'application/xml', ...(zHost ? { 'z-host': zHost } : {}) },
      });
      expect(r.statusCode, r.body).toBe(201);
      ids[zHost ?? 'none'] = r.json().id;
    }
    const email = `someone-${randomUUID()}@example.com`;
    const uid = await h.newUser(team, 'member', { managedBy: 'scim', ssoId: JSON.stringify({ scim_external_id: email }) });
    const user = await h.identity.users.get(uid);
    await h.identity.users.put({ ...user!, email });
    expect(await h.identity.users.claimEmail(emailKey(email), uid)).toEqual({ ok: true });
    const ask = (zHost?: string) =>
      h.inject('POST', '/v15/sso/get-by-email', { body: { email }, headers: zHost ? { 'z-host': zHost } : {} });
    expect((await ask(A)).json()).toEqual({ sso_code: ids[A] });
    expect((await ask(B.toUpperCase())).json()).toEqual({ sso_code: ids[B] });
    expect((await ask()).json()).toEqual({ sso_code: ids.none });
    const other = await ask('c.example.com');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({});
  });
});
