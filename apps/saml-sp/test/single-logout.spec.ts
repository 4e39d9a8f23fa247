import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IdpId, TeamId } from '@sso/domain';
import { makeTestKey } from '@sso/testing';
import { SP_SSO, SamlHarness, titleOf } from './harness';
import { PYSAML2_DEFAULTS, Pysaml2Idp } from './pysaml2-idp';
import { browserLogin } from './real-idp-flow';

/**
 * SAML Single Logout against the real pysaml2 IdP (SAML Profiles §4.4): SP-initiated (our signed
 * LogoutRequest, its LogoutResponse) and IdP-initiated (its signed LogoutRequest ends every
 * session of the user, our LogoutResponse), in both bindings; forged, replayed, unsigned, stale
 * and misaddressed requests change nothing.
 */
describe('single logout with a real IdP (pysaml2)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-keys-'));
  let idp: Pysaml2Idp;
  let h: SamlHarness;
  let team: TeamId;
  let token: string;
  let idpId: IdpId;

  beforeAll(async () => {
    idp = await Pysaml2Idp.start();
    const spKey = await makeTestKey('sp');
    fs.writeFileSync(path.join(dir, 'sp.key'), spKey.keyPem);
    fs.writeFileSync(path.join(dir, 'sp.crt'), spKey.certPem);
    h = await new SamlHarness({
      'saml.metadataAllowLoopback': true,
      'saml.metadataCaFile': idp.caFile,
      'saml.spKeyFile': path.join(dir, 'sp.key'),
      'saml.spCertFile': path.join(dir, 'sp.crt'),
    }).start({ listen: true });
    ({ team, token } = await h.newTeam());
    const r = await h.inject('POST', '/identity-providers?single_logout=true', { token, body: { url: idp.metadataUrl } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().extraInfo.singleLogout).toBe(true);
    idpId = r.json().id as IdpId;
    // The IdP learns our SingleLogoutService from the team's metadata, as an admin would upload it.
    const md = (await h.inject('GET', `/sso/metadata/${team}`)).body;
    expect(md).toContain(
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${SP_SSO}/slo/${team}"/>`,
    );
    await idp.trustSp(md);
  }, 300_000);
  afterAll(async () => {
    await h?.stop();
    await idp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => idp.control(PYSAML2_DEFAULTS));

  /** Logs `user` in through the IdP; the zuid cookie and the user id. */
  async function login(user: string): Promise<{ cookie: string; uid: string }> {
    const r = await browserLogin(h, idp, idpId, user);
    expect(titleOf(await r.text())).toBe('wire:sso:success');
    const cookie = /^(zuid=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1];
    const row = await h.spar.samlUsers.get(idp.issuer, user.toLowerCase());
    return { cookie, uid: row!.uid };
  }

  /** Our public URL (the SP's origin) on the listening app, as the ingress maps it. */
  const local = (url: string) => {
    const u = new URL(url);
    expect(`${u.origin}/sso`).toBe(SP_SSO);
    return `${h.t.url}${u.pathname}${u.search}`;
  };

  const idpLogout = async (user: string, binding: 'Redirect' | 'POST', opts: { sign?: boolean; destination?: string } = {}) => {
    const req = await idp.logoutRequest({
      user,
      destination: opts.destination ?? `${SP_SSO}/slo/${team}`,
      spEntityId: h.sp(team),
      binding,
      sign: opts.sign ?? true,
    });
    const res =
      binding === 'Redirect'
        ? await fetch(local(req.url!), { redirect: 'manual' })
        : await fetch(`${h.t.url}/sso/slo/${team}`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ SAMLRequest: req.SAMLRequest!, RelayState: req.RelayState! }).toString(),
          });
    return { req, res, body: await res.text() };
  };

  it('SP-initiated: ends the session here, sends a signed LogoutRequest with the login Issuer, shows the IdP confirmation', async () => {
    const alice = await login('alice.slo@example.com');
    const other = await login('alice.slo@example.com'); // a second session of the same user stays
    const start = await fetch(`${h.t.url}/sso/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: alice.cookie } });
    expect(start.status).toBe(303);
    expect(start.headers.get('set-cookie')).toMatch(/^zuid=; .*Max-Age=0/);
    const toIdp = start.headers.get('location')!;
    expect(toIdp.startsWith(`${idp.base}/slo?SAMLRequest=`), toIdp).toBe(true);
    expect(toIdp).toContain('&SigAlg=');
    expect(await h.identity.cookies.listByUser(alice.uid as never)).toHaveLength(1);
    const idpAnswer = await idp.request('GET', toIdp);
    expect(idpAnswer.status, idpAnswer.body).toBe(303);
    const received = (await idp.sloLog()).at(-1)!;
    // The Issuer of the LogoutRequest is the entity id the AuthnRequests used (Entra refuses others).
    expect(received).toMatchObject({ kind: 'request', issuer: h.sp(team), nameId: 'alice.slo@example.com', signed: true });
    const back = await fetch(local(String(idpAnswer.headers.location)), { redirect: 'manual' });
    const page = await back.text();
    expect(back.status, page).toBe(200);
    expect(page).toContain('Your identity provider confirmed that you are signed out there too.');
    // The same signed answer shown again: refused (it must not tell a later sign-out's story).
    expect((await fetch(local(String(idpAnswer.headers.location)), { redirect: 'manual' })).status).toBe(403);
    expect(other.cookie).not.toBe(alice.cookie);
  });

  it('refuses a sign-out another site starts (CSRF): the session stays', async () => {
    const mallory = await login('csrf.slo@example.com');
    const attempts: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example.com' },
      { origin: 'null' },
    ];
    for (const headers of attempts) {
      const r = await fetch(`${h.t.url}/sso/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: mallory.cookie, ...headers },
      });
      expect(r.status).toBe(403);
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    expect(await h.identity.cookies.listByUser(mallory.uid as never)).toHaveLength(1);
    const same = await fetch(`${h.t.url}/sso/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: mallory.cookie, origin: h.t.url!, 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(303);
    expect(await h.identity.cookies.listByUser(mallory.uid as never)).toHaveLength(0);
  });

  it('SP-initiated without a session, or for an IdP without single logout, only signs out here', async () => {
    const none = await fetch(`${h.t.url}/sso/logout`, { method: 'POST', redirect: 'manual' });
    expect(none.status).toBe(200);
    expect(await none.text()).toContain('You are signed out of this service.');
    const bob = await login('bob.slo@example.com');
    await h.inject('PUT', `/identity-providers/${idpId}?single_logout=false`, {
      token,
      body: { url: idp.metadataUrl },
    });
    try {
      const r = await fetch(`${h.t.url}/sso/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: bob.cookie } });
      expect(r.status).toBe(200);
      expect(await h.identity.cookies.listByUser(bob.uid as never)).toHaveLength(0);
      expect((await h.inject('GET', `/sso/metadata/${team}`)).body).not.toContain('SingleLogoutService');
    } finally {
      await h.inject('PUT', `/identity-providers/${idpId}?single_logout=true`, { token, body: { url: idp.metadataUrl } });
    }
  });

  for (const binding of ['Redirect', 'POST'] as const) {
    it(`IdP-initiated (${binding}): ends every session of the user and answers a signed LogoutResponse; a replay is refused`, async () => {
      const user = `carol.${binding.toLowerCase()}@example.com`;
      const a = await login(user);
      await login(user);
      const bystander = await login(`dave.${binding.toLowerCase()}@example.com`);
      expect(await h.identity.cookies.listByUser(a.uid as never)).toHaveLength(2);
      const { req, res, body } = await idpLogout(user, binding);
      expect(await h.identity.cookies.listByUser(a.uid as never)).toHaveLength(0);
      expect(await h.identity.cookies.listByUser(bystander.uid as never)).toHaveLength(1);
      // The answer goes back in the IdP's binding (Redirect first in its metadata).
      expect(res.status, body).toBe(303);
      const idpAnswer = await idp.request('GET', res.headers.get('location')!);
      expect(idpAnswer.status, idpAnswer.body).toBe(200);
      expect((await idp.sloLog()).at(-1)).toMatchObject({
        kind: 'response',
        issuer: h.sp(team),
        inResponseTo: req.id,
        status: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        signed: true,
      });
      // The same request again: refused, and a new session survives it.
      const again = await login(user);
      const replay =
        binding === 'Redirect'
          ? await fetch(local(req.url!), { redirect: 'manual' })
          : await fetch(`${h.t.url}/sso/slo/${team}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ SAMLRequest: req.SAMLRequest!, RelayState: req.RelayState! }).toString(),
            });
      expect(replay.status).toBe(403);
      expect(await replay.text()).toContain('bad-logout-message');
      expect(await h.identity.cookies.listByUser(again.uid as never)).toHaveLength(1);
    });
  }

  it('refuses unsigned, forged and misaddressed LogoutRequests and ends no session', async () => {
    const erin = await login('erin.slo@example.com');
    const unsignedRedirect = await idpLogout('erin.slo@example.com', 'Redirect', { sign: false });
    expect(unsignedRedirect.res.status).toBe(400);
    expect(unsignedRedirect.body).toContain('the logout message is not signed');
    const unsignedPost = await idpLogout('erin.slo@example.com', 'POST', { sign: false });
    expect(unsignedPost.res.status).toBe(400);
    expect(unsignedPost.body).toContain('the logout message is not signed');
    // Forged: the query signed, then the NameID swapped (a new SAMLRequest under the old signature).
    const genuine = await idp.logoutRequest({
      user: 'someone.else@example.com',
      destination: `${SP_SSO}/slo/${team}`,
      spEntityId: h.sp(team),
      binding: 'Redirect',
    });
    const other = await idp.logoutRequest({
      user: 'erin.slo@example.com',
      destination: `${SP_SSO}/slo/${team}`,
      spEntityId: h.sp(team),
      binding: 'Redirect',
      sign: false,
    });
    const sig = new URL(genuine.url!).searchParams;
    const forgedUrl = new URL(other.url!);
    forgedUrl.searchParams.set('SigAlg', sig.get('SigAlg')!);
    forgedUrl.searchParams.set('Signature', sig.get('Signature')!);
    const forged = await fetch(local(forgedUrl.toString()), { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('the query signature does not verify');
    // Signed for another SingleLogoutService (its Destination), delivered to this one: refused.
    const elsewhere = await idp.logoutRequest({
      user: 'erin.slo@example.com',
      destination: `${SP_SSO}/slo/${randomUUID()}`,
      spEntityId: h.sp(team),
      binding: 'Redirect',
    });
    const misaddressed = new URL(elsewhere.url!);
    misaddressed.pathname = `/sso/slo/${team}`;
    const r = await fetch(local(misaddressed.toString()), { redirect: 'manual' });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('Destination must be');
    expect(await h.identity.cookies.listByUser(erin.uid as never)).toHaveLength(1);
  });

  it('refuses a LogoutRequest from an IdP of another team, and garbage, with a page and a label', async () => {
    const other = await h.newTeam();
    const req = await idp.logoutRequest({
      user: 'x@example.com',
      destination: `${SP_SSO}/slo/${other.team}`,
      spEntityId: h.sp(other.team),
      binding: 'Redirect',
    });
    const r = await fetch(local(req.url!), { redirect: 'manual' });
    expect(r.status).toBe(404);
    const garbage = await fetch(`${h.t.url}/sso/slo/${team}?SAMLRequest=%%%`, { redirect: 'manual' });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toMatch(/^text\/html/);
    expect(garbage.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const none = await fetch(`${h.t.url}/sso/slo/${team}`, { redirect: 'manual' });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('exactly one of SAMLRequest and SAMLResponse is required');
  });
});
