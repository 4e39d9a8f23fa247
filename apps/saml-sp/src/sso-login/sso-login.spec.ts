// The enterprise-login page over HTTP, on the memory twins (unit tier): the form, deep links, bad
// codes, the third verdict format at the ACS, the result page, and the headers of each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService, generateKeyEntry, generateScimToken, hashScimToken, keyRingFromEntries } from '@sso/auth';
import { type IdpId, type TeamId, type UserId, newScimTokenId, newTeamId, newUserId, newUserRecord, systemClock } from '@sso/domain';
import type { DomainRegistrationStore, IdentityStores, SparStores } from '@sso/persistence';
import { DOMAIN_REGISTRATIONS, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { type TestApp, TestIdp, b64, memoryTestConfig, startTestApp } from '@sso/testing';
import { samlSp } from '../app';

const SP_SSO = 'https://sp.example.com/sso';
const keyEntry = generateKeyEntry('sso-login');
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keyEntry]));

describe('/sso/login and /sso/login/result', () => {
  let t: TestApp;
  let idp: TestIdp;
  let idpId: IdpId;
  let team: TeamId;
  let spar: SparStores;
  let identity: IdentityStores;

  beforeAll(async () => {
    t = await startTestApp(
      samlSp,
      memoryTestConfig({ 'auth.keysFile': keysFile, 'saml.spSsoUri': SP_SSO, 'rateLimits.discoveryPerAddress.limit': 3 }),
    );
    idp = await TestIdp.create();
    identity = t.app.get<IdentityStores>(IDENTITY_STORES);
    spar = t.app.get<SparStores>(SPAR_STORES);
    team = newTeamId();
    const owner = newUserId();
    await identity.teams.createTeam({ id: team, name: 'Acme <Research> & Co', creator: owner, deleted: false });
    await identity.users.put(newUserRecord({ id: owner, team, name: 'Owner' }));
    await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    const bearer = await new TokenService(keyRingFromEntries([keyEntry]), systemClock, 900).issueAccess(owner);
    const created = await t.app.inject({
      method: 'POST',
      url: '/identity-providers',
      payload: idp.metadata(),
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/xml' },
    });
    expect(created.statusCode, created.body).toBe(201);
    idpId = created.json().id as IdpId;
  });
  afterAll(() => t?.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const acs = `${SP_SSO}/finalize-login`;

  /** The request id inside the auto-post form a deep link answers with. */
  function requestIdOf(body: string): string {
    const xml = Buffer.from(/name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(body)?.[1] ?? '', 'base64').toString('utf8');
    return /ID="([^"]+)"/.exec(xml)![1];
  }

  async function loginFromPage(nameId: string, parts: Record<string, unknown> = {}) {
    const start = await get(`/sso/login?code=wire-${idpId}`);
    expect(start.statusCode, start.body).toBe(200);
    const response = idp.response({ sp: `${acs}/${team}`, requestId: requestIdOf(start.body), nameId, ...parts }).xml;
    return t.app.inject({
      method: 'POST',
      url: `/sso/finalize-login/${team}`,
      payload: `SAMLResponse=${encodeURIComponent(b64(response))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  function expectPageHeaders(r: { headers: Record<string, unknown> }) {
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(String(r.headers['cache-control'])).toContain('no-store');
  }

  describe('the form', () => {
    it('is a labelled GET form with no script, under the strict page CSP', async () => {
      const r = await get('/sso/login');
      expect(r.statusCode).toBe(200);
      expectPageHeaders(r);
      expect(r.body).toContain('<form method="get" action="/sso/login">');
      expect(r.body).toContain('<label for="code">SSO code or work email</label>');
      expect(r.body).toMatch(/<input id="code" name="code" type="text" value="" required autofocus/);
      expect(r.body).toContain('<button type="submit">');
      expect(r.body).not.toContain('<script');
      expect(r.body).not.toContain('code-error');
    });

    it('also answers under an API version prefix', async () => {
      expect((await get('/v7/sso/login')).statusCode).toBe(200);
    });

    it.each([
      ['not a code', 'not a code'],
      ['wire-', 'wire-'],
      [`wire-${'0'.repeat(36)}`, `wire-${'0'.repeat(36)}`],
    ])('a malformed code %j: 404, the form again with the message next to the field and the API label', async (code, shown) => {
      const r = await get(`/sso/login?code=${encodeURIComponent(code)}`);
      expect(r.statusCode).toBe(404);
      expectPageHeaders(r);
      expect(r.body).toContain(`value="${shown}"`);
      expect(r.body).toContain('aria-invalid="true"');
      expect(r.body).toContain('aria-describedby="code-help code-error"');
      expect(r.body).toMatch(
        /<p id="code-error" class="error" role="alert">This is not an SSO code\.[^<]*<span class="muted">\(not-found\)<\/span><\/p>/,
      );
    });

    it('an unknown code: 404 and says no login has it', async () => {
      const r = await get(`/sso/login?code=wire-${newTeamId()}`);
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('No company login has this SSO code.');
      expect(r.body).toContain('(not-found)');
    });

    it('an empty or repeated code is a bad code, not a server error', async () => {
      expect((await get('/sso/login?code=')).statusCode).toBe(404);
      const twice = await get(`/sso/login?code=wire-${idpId}&code=wire-${idpId}`);
      expect(twice.statusCode).toBe(404);
      expect(twice.body).toContain('This is not an SSO code.');
    });

    it('escapes what was typed: no markup from the query reaches the page', async () => {
      const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
      const r = await get(`/sso/login?code=${encodeURIComponent(evil)}`);
      expect(r.statusCode).toBe(404);
      expect(r.body).not.toContain('<script>alert');
      expect(r.body).not.toContain('<img');
      expect(r.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"');
    });

    it('shows at most the first 200 characters of a long input', async () => {
      const r = await get(`/sso/login?code=${'x'.repeat(5000)}`);
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain(`value="${'x'.repeat(200)}"`);
      expect(r.body).not.toContain('x'.repeat(201));
    });
  });

  describe('deep links', () => {
    it.each([
      ['wire-<id>', (id: string) => `wire-${id}`],
      ['the bare id', (id: string) => id],
      ['with whitespace around, upper case', (id: string) => `  WIRE-${id.toUpperCase()}\t`],
    ])('%s starts the login at once: the auto-post form to the IdP, remembered as a page login', async (_, code) => {
      const r = await get(`/sso/login?code=${encodeURIComponent(code(idpId))}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.body).toContain('name="SAMLRequest"');
      // The initiate-login page's own CSP: its one script by hash, and posting only to the IdP.
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'sha256-/);
      expect(csp).toContain('form-action https://');
      expect(String(r.headers['cache-control'])).toContain('no-store');
      expect(await spar.authnRequests.getVerdict(requestIdOf(r.body))).toEqual({ format: { kind: 'page' }, cookieLabel: null });
    });

    it('does not change spar clients: /sso/initiate-login still stores a web verdict, and sends no RelayState', async () => {
      const r = await get(`/sso/initiate-login/${idpId}`);
      expect(await spar.authnRequests.getVerdict(requestIdOf(r.body))).toEqual({ format: { kind: 'web' }, cookieLabel: null });
      expect(r.body).not.toContain('RelayState');
    });

    it('sends RelayState sso-login with the request, for errors found before the verdict can be read', async () => {
      const r = await get(`/sso/login?code=${idpId}`);
      expect(r.body).toContain('<input name="RelayState" type="hidden" value="sso-login"/>');
    });
  });

  describe('the ACS and the result page', () => {
    it('a granted page login: 303 to the result page with the session cookie, which then says who is logged in', async () => {
      const r = await loginFromPage('page.user@example.com');
      expect(r.statusCode, r.body).toBe(303);
      expect(r.headers.location).toBe('/sso/login/result');
      const cookie = String(r.headers['set-cookie']);
      expect(cookie).toMatch(/^zuid=/);
      const result = await get('/sso/login/result', { cookie: cookie.split(';')[0] });
      expect(result.statusCode).toBe(200);
      expectPageHeaders(result);
      expect(result.body).toContain('You are logged in as page.user@example.com.');
      // The team name is escaped.
      expect(result.body).toContain('<td>Acme &lt;Research&gt; &amp; Co</td>');
    });

    /** The user a granted page login provisioned, and the cookie it set. */
    async function loggedIn(nameId: string): Promise<{ uid: UserId; cookie: string }> {
      const r = await loginFromPage(nameId);
      expect(r.statusCode, r.body).toBe(303);
      const cookie = String(r.headers['set-cookie']).split(';')[0];
      const tokens = new TokenService(keyRingFromEntries([keyEntry]), systemClock, 900);
      return { uid: (await tokens.verifyCookie(cookie.slice('zuid='.length))).userId, cookie };
    }

    it('shows name, handle and email from the stores, escaped', async () => {
      const { uid, cookie } = await loggedIn('eve@example.com');
      await identity.users.update(uid, { name: 'Eve <b>Bold</b>', handle: 'eve-h', email: 'eve.mail@example.com' });
      const r = await get('/sso/login/result', { cookie });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('You are logged in as Eve &lt;b&gt;Bold&lt;/b&gt;.');
      expect(r.body).not.toContain('<b>Bold</b>');
      expect(r.body).toContain('<td>@eve-h</td>');
      expect(r.body).toContain('<td>eve.mail@example.com</td>');
    });

    it('a suspended user is not shown as logged in, even with a cookie from before', async () => {
      const { uid, cookie } = await loggedIn('later.suspended@example.com');
      await identity.users.update(uid, { status: 'suspended' });
      const r = await get('/sso/login/result', { cookie });
      expect(r.body).toContain('You are not logged in');
    });

    it('a refused page login (suspended user): 303 to the result page with the label, shown in plain words', async () => {
      const { uid } = await loggedIn('suspended.user@example.com');
      await identity.users.update(uid, { status: 'suspended' });
      const r = await loginFromPage('suspended.user@example.com');
      expect(r.statusCode, r.body).toBe(303);
      expect(r.headers.location).toBe('/sso/login/result?label=suspended');
      expect(r.headers['set-cookie']).toBeUndefined();
      const result = await get(String(r.headers.location));
      expect(result.statusCode).toBe(200);
      expectPageHeaders(result);
      expect(result.body).toContain('You are not logged in.');
      expect(result.body).toContain('Your account is suspended. Ask your team admin to reactivate it.');
      expect(result.body).toContain('<code>suspended</code>');
    });

    it('a user of the SCIM-provisioned team without an account: refused with not-found, in words', async () => {
      await spar.scimTokens.insert({
        team,
        id: newScimTokenId(),
        tokenKey: hashScimToken(generateScimToken()),
        createdAt: new Date(),
        idp: idpId,
        description: 'sso-login spec',
        name: 'sso-login spec',
      });
      const r = await loginFromPage('nobody.provisioned@example.com');
      expect(r.headers.location).toBe('/sso/login/result?label=not-found');
      expect((await get(String(r.headers.location))).body).toContain('Your account is not set up for single sign-on yet');
    });

    it('a denied page login (assertion for another audience): 303 with forbidden', async () => {
      const r = await loginFromPage('denied.user@example.com', { audience: 'https://other.example.com/sp' });
      expect(r.statusCode, r.body).toBe(303);
      expect(r.headers.location).toBe('/sso/login/result?label=forbidden');
      const result = await get(String(r.headers.location));
      expect(result.body).toContain('the answer could not be accepted');
    });

    it("a response refused before its verdict is read: the result page with RelayState sso-login, spar's page without", async () => {
      const start = await get(`/sso/login?code=wire-${idpId}`);
      const other = await TestIdp.create(idp.issuer); // same issuer, another key: the signature does not verify
      const xml = other.response({ sp: `${acs}/${team}`, requestId: requestIdOf(start.body), nameId: 'forged@example.com' }).xml;
      const post = (relay: string | null) =>
        t.app.inject({
          method: 'POST',
          url: `/sso/finalize-login/${team}`,
          payload: `SAMLResponse=${encodeURIComponent(b64(xml))}${relay === null ? '' : `&RelayState=${relay}`}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      const page = await post('sso-login');
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/sso/login/result?label=bad-response-signature');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect((await get(String(page.headers.location))).body).toContain('not signed with a certificate this connection knows');
      for (const relay of [null, 'other', 'sso-login%20']) {
        const spars = await post(relay);
        expect(spars.statusCode, String(relay)).toBe(400);
        expect(spars.body).toContain('<title>wire:sso:error:bad-response-signature</title>');
      }
    });

    it('the result page refuses labels that are not API labels, without reflecting them', async () => {
      for (const q of ['label=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'label=nope', 'label=suspended&label=forbidden', 'label=']) {
        const r = await get(`/sso/login/result?${q}`);
        expect(r.statusCode, q).toBe(400);
        expectPageHeaders(r);
        expect(r.body).not.toContain('script>');
        expect(r.body).not.toContain('nope');
      }
    });

    it('without a session, or with a bad cookie, says nobody is logged in', async () => {
      for (const headers of [{} as Record<string, string>, { cookie: 'zuid=garbage' }, { cookie: 'zuid=' }, { cookie: 'other=1' }]) {
        const r = await get('/sso/login/result', headers);
        expect(r.statusCode).toBe(200);
        expect(r.body).toContain('You are not logged in');
      }
    });
  });

  describe('a work email instead of the code (IdP discovery)', () => {
    const from = (ip: string) => (url: string) => t.app.inject({ method: 'GET', url, remoteAddress: ip });

    it('sends the email to the IdP of the team that verified its domain', async () => {
      const domains = t.app.get<DomainRegistrationStore>(DOMAIN_REGISTRATIONS);
      await domains.register({ domain: 'acme-research.example', team, idp: null, verifiedAt: new Date() });
      const r = await from('10.9.0.1')(`/sso/login?code=${encodeURIComponent(' Alice@ACME-research.example ')}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(requestIdOf(r.body)).toMatch(/^_/);
      expect(r.body).toContain(`action="${idp.ssoUrl}"`);
    });

    it('answers an unknown domain and a verified one without IdP with the same page', async () => {
      const domains = t.app.get<DomainRegistrationStore>(DOMAIN_REGISTRATIONS);
      await domains.register({ domain: 'no-idp.example', team: newTeamId(), idp: null, verifiedAt: new Date() });
      const get2 = from('10.9.0.2');
      const known = await get2('/sso/login?code=bob%40no-idp.example');
      const unknown = await get2('/sso/login?code=bob%40nobody-registered.example');
      expect([known.statusCode, unknown.statusCode]).toEqual([404, 404]);
      expect(known.body.replace('no-idp.example', 'X')).toBe(unknown.body.replace('nobody-registered.example', 'X'));
      expect(known.body).toContain('No company login was found for this email address.');
    });

    it('is rate-limited per client address, with the reason next to the field', async () => {
      const get3 = from('10.9.0.3');
      for (let i = 0; i < 3; i++) expect((await get3(`/sso/login?code=u${i}%40example.org`)).statusCode).toBe(404);
      const limited = await get3('/sso/login?code=u%40example.org');
      expect(limited.statusCode).toBe(429);
      expect(limited.body).toContain('Too many lookups from your network.');
      expect((await from('10.9.0.4')('/sso/login?code=u%40example.org')).statusCode).toBe(404);
      // A code is never rate-limited: it names its IdP without a lookup of anyone's domain.
      expect((await get3(`/sso/login?code=wire-${idpId}`)).statusCode).toBe(200);
    });
  });
});
