import { createVerify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CassandraIdpLoginOptionsStore } from '@sso/persistence';
import { TestIdp, type TestKey, makeTestKey } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';
import { runWithTestIdp } from './suite';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** TestIdp metadata whose only SingleSignOnService uses the HTTP-Redirect binding. */
const redirectOnly = (idp: TestIdp, location = idp.ssoUrl) =>
  idp
    .metadata()
    .replace(
      `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${idp.ssoUrl}"`,
      `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${location}"`,
    );

const xmlOf = (location: string) =>
  inflateRawSync(Buffer.from(new URL(location).searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
const requestIdOf = (location: string) => /ID="([^"]+)"/.exec(xmlOf(location))?.[1] as string;

/** IdPs whose metadata offers only HTTP-Redirect: initiate-login answers 303 with the request in the query. */
describe('HTTP-Redirect binding (saml-sp on Cassandra)', () => {
  const h = new SamlHarness();
  let idp: TestIdp;
  runWithTestIdp(h, (created) => (idp = created));

  const createRedirectIdp = async (token: string, xml = redirectOnly(idp)) => {
    const r = await h.inject('POST', '/identity-providers', { token, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(r.statusCode, r.body).toBe(201);
    return r;
  };

  it('registers a Redirect-only IdP, shows extraInfo.ssoBinding only for it, and stores the binding in idp_login_options', async () => {
    const { token } = await h.newTeam();
    const r = await createRedirectIdp(token);
    const id = r.json().id;
    expect(r.json().metadata.requestURI).toBe(idp.ssoUrl);
    expect(r.json().extraInfo.ssoBinding).toBe('HTTP-Redirect');
    expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo.ssoBinding).toBe('HTTP-Redirect');
    expect((await h.inject('GET', '/identity-providers', { token })).json().providers[0].extraInfo.ssoBinding).toBe('HTTP-Redirect');
    const options = new CassandraIdpLoginOptionsStore(h.db);
    expect((await options.get(id)).ssoBinding).toBe('HTTP-Redirect');

    // New metadata with a POST endpoint switches back to spar's binding, and the member goes away.
    const put = await h.inject('PUT', `/identity-providers/${id}`, {
      token,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().extraInfo).not.toHaveProperty('ssoBinding');
    expect((await options.get(id)).ssoBinding).toBe('HTTP-POST');
    expect((await h.inject('GET', `/sso/initiate-login/${id}`)).statusCode).toBe(200);
    const back = await h.inject('PUT', `/identity-providers/${id}`, { token, body: { value: redirectOnly(idp) } });
    expect(back.json().extraInfo.ssoBinding).toBe('HTTP-Redirect');
    expect((await h.inject('GET', `/sso/initiate-login/${id}`)).statusCode).toBe(303);

    // Still https only, still the same label when there is neither binding.
    const http = await h.inject('POST', '/identity-providers', {
      token,
      body: redirectOnly(idp, 'http://idp.example.com/sso'),
      headers: { 'content-type': 'application/xml' },
    });
    expect(http.json().label).toBe('idp-must-be-https');
    const none = await h.inject('POST', '/identity-providers', {
      token,
      body: idp.metadata().replace('bindings:HTTP-POST', 'bindings:HTTP-Artifact'),
      headers: { 'content-type': 'application/xml' },
    });
    expect([none.statusCode, none.json().label]).toEqual([400, 'invalid-metadata']);
  });

  it('answers 303 to the IdP with the deflated request, stores request and verdict, and completes the login at the ACS', async () => {
    const { team, token } = await h.newTeam();
    const id = (await createRedirectIdp(token)).json().id;
    expect((await h.inject('HEAD', `/sso/initiate-login/${id}`)).statusCode).toBe(200);
    expect((await h.inject('GET', `/sso/initiate-login/${id}?success_redirect=wire://ok`)).json().label).toBe('need-both-redirect-urls');

    const r = await h.inject('GET', `/sso/initiate-login/${id}?label=laptop`);
    expect(r.statusCode, r.body).toBe(303);
    const location = String(r.headers.location);
    expect(location.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
    expect([...new URL(location).searchParams.keys()]).toEqual(['SAMLRequest']);
    const xml = xmlOf(location);
    expect(xml).toContain(`<saml:Issuer>${h.sp(team)}</saml:Issuer>`);
    expect(xml).not.toContain('Signature');
    const reqId = requestIdOf(location);
    expect(reqId).toMatch(/^_[0-9a-f-]{36}$/);
    expect(await h.spar.authnRequests.get(reqId)).toMatchObject({ id: reqId, idpIssuer: idp.issuer });
    expect(await h.spar.authnRequests.getVerdict(reqId)).toEqual({ format: { kind: 'web' }, cookieLabel: 'laptop' });

    const ok = await h.finalize(team, idp.response({ sp: h.sp(team), requestId: reqId, nameId: 'redirect.user@example.com' }).xml);
    expect(titleOf(ok.body), ok.body.slice(0, 300)).toBe('wire:sso:success');
    expect(String(ok.headers['set-cookie'])).toMatch(/^zuid=/);
    const row = await h.spar.samlUsers.get(idp.issuer, 'redirect.user@example.com');
    expect(await h.identity.cookies.listByUser(row!.uid)).toEqual([expect.objectContaining({ label: 'laptop' })]);
    expect(await h.spar.authnRequests.get(reqId)).toBeNull();

    // Mobile verdicts travel the same way.
    const mobile = await h.inject(
      'GET',
      `/sso/initiate-login/${id}?success_redirect=${encodeURIComponent('wire://s?c=$cookie&u=$userid')}&error_redirect=wire://e`,
    );
    const mobileId = requestIdOf(String(mobile.headers.location));
    const m = await h.finalize(team, idp.response({ sp: h.sp(team), requestId: mobileId, nameId: 'redirect.user@example.com' }).xml);
    expect(m.statusCode).toBe(303);
    expect(m.headers.location).toMatch(new RegExp(`^wire://s\\?c=zuid=.*&u=${row!.uid}$`));
  });

  describe('with SP keys', () => {
    let spKey: TestKey;
    let keyed: SamlHarness;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-keys-'));
    beforeAll(async () => {
      spKey = await makeTestKey('sp');
      fs.writeFileSync(path.join(dir, 'sp.key'), spKey.keyPem);
      fs.writeFileSync(path.join(dir, 'sp.crt'), spKey.certPem);
      keyed = await new SamlHarness({ 'saml.spKeyFile': path.join(dir, 'sp.key'), 'saml.spCertFile': path.join(dir, 'sp.crt') }).start();
    });
    afterAll(async () => {
      await keyed?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('signs the query (SigAlg, Signature over the exact octets), not the XML; keeps the IdP URL query; POST IdPs still get a signed XML', async () => {
      const { team, token } = await keyed.newTeam();
      const withQuery = `${idp.ssoUrl}?tenant=t1`;
      const r = await keyed.inject('POST', '/identity-providers', {
        token,
        body: redirectOnly(idp, withQuery),
        headers: { 'content-type': 'application/xml' },
      });
      const id = r.json().id;
      const location = String((await keyed.inject('GET', `/sso/initiate-login/${id}`)).headers.location);
      const m = /^([^?]+)\?tenant=t1&(SAMLRequest=[^&]+&SigAlg=[^&]+)&Signature=([^&]+)$/.exec(location);
      expect(m, location).not.toBeNull();
      expect(m![1]).toBe(idp.ssoUrl);
      expect(new URL(location).searchParams.get('SigAlg')).toBe(RSA_SHA256);
      const verifies = (octets: string) =>
        createVerify('RSA-SHA256').update(octets).verify(spKey.certPem, decodeURIComponent(m![3]), 'base64');
      expect(verifies(m![2])).toBe(true);
      expect(verifies(`tenant=t1&${m![2]}`)).toBe(false);
      expect(xmlOf(location)).not.toContain('Signature');
      const ok = await keyed.finalize(
        team,
        idp.response({ sp: keyed.sp(team), requestId: requestIdOf(location), nameId: 'signed.redirect@example.com' }).xml,
      );
      expect(titleOf(ok.body)).toBe('wire:sso:success');

      const post = await keyed.createIdp(token, await TestIdp.create());
      const page = await keyed.inject('GET', `/sso/initiate-login/${post}`);
      expect(page.statusCode).toBe(200);
      expect(Buffer.from(/value="([^"]+)"/.exec(page.body)![1], 'base64').toString()).toContain('<ds:Signature');
    });
  });
});
