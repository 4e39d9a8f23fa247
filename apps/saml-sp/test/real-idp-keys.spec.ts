import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestKey } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';
import { PYSAML2_DEFAULTS, Pysaml2Idp } from './pysaml2-idp';
import { browserLogin, teamWithIdp, throughIdp, toAcs } from './real-idp-flow';

/**
 * The real IdP (pysaml2 over HTTPS on loopback) against an SP with a key pair: AuthnRequests
 * signed for both bindings and verified by pysaml2, the HTTP-Redirect binding for an IdP that
 * offers only it, and assertions pysaml2 encrypts to our metadata key.
 */
describe('a real IdP with SP keys: signed requests, HTTP-Redirect, encrypted assertions (pysaml2)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-keys-'));
  let idp: Pysaml2Idp;
  let keyed: SamlHarness;
  let plain: SamlHarness;

  beforeAll(async () => {
    idp = await Pysaml2Idp.start();
    const spKey = await makeTestKey('sp');
    fs.writeFileSync(path.join(dir, 'sp.key'), spKey.keyPem);
    fs.writeFileSync(path.join(dir, 'sp.crt'), spKey.certPem);
    const loopback = { 'saml.metadataAllowLoopback': true, 'saml.metadataCaFile': idp.caFile };
    keyed = await new SamlHarness({
      ...loopback,
      'saml.spKeyFile': path.join(dir, 'sp.key'),
      'saml.spCertFile': path.join(dir, 'sp.crt'),
    }).start({ listen: true });
    plain = await new SamlHarness(loopback).start({ listen: true });
  }, 300_000);
  afterAll(async () => {
    await keyed?.stop();
    await plain?.stop();
    await idp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => idp.control(PYSAML2_DEFAULTS));

  it('HTTP-Redirect only IdP: registered with its binding, logged in through our 303, unsigned without SP keys', async () => {
    await idp.control({ bindings: ['Redirect'] });
    // Its single sign-on service takes Redirect only (its SingleLogoutService offers both bindings).
    expect(await idp.metadata()).not.toMatch(/SingleSignOnService Binding="[^"]*HTTP-POST/);
    const { token, idpId } = await teamWithIdp(plain, idp);
    expect((await plain.inject('GET', `/identity-providers/${idpId}`, { token })).json().extraInfo.ssoBinding).toBe('HTTP-Redirect');
    const answer = await throughIdp(plain, idp, idpId, 'redirect.plain@example.com');
    expect(answer.binding).toBe('Redirect');
    const r = await toAcs(plain, answer);
    expect(titleOf(await r.text())).toBe('wire:sso:success');
    expect(await plain.spar.samlUsers.get(idp.issuer, 'redirect.plain@example.com')).toMatchObject({ uid: expect.any(String) });
  });

  it('HTTP-Redirect with SP keys: pysaml2, wanting signed requests, verifies our query signature; unsigned is refused', async () => {
    await idp.control({ bindings: ['Redirect'], wantSignedRequests: true });
    expect(await idp.metadata()).toContain('WantAuthnRequestsSigned="true"');
    const { idpId } = await teamWithIdp(keyed, idp);
    const answer = await throughIdp(
      keyed,
      idp,
      idpId,
      'redirect.signed@example.com',
      `?success_redirect=${encodeURIComponent('wire://ok?u=$userid')}&error_redirect=wire://err`,
    );
    expect(answer.binding).toBe('Redirect');
    const r = await toAcs(keyed, answer);
    const uid = (await keyed.spar.samlUsers.get(idp.issuer, 'redirect.signed@example.com'))?.uid;
    expect([r.status, r.headers.get('location')]).toEqual([303, `wire://ok?u=${uid}`]);

    // The same IdP and team through the SP without keys: the request is unsigned, and refused.
    await expect(throughIdp(plain, idp, idpId, 'redirect.signed@example.com')).rejects.toThrow(/IncorrectlySigned.*no query signature/);
    // A request carrying the signature of another request is refused too.
    const location = async () =>
      String((await fetch(`${keyed.t.url}/sso/initiate-login/${idpId}`, { redirect: 'manual' })).headers.get('location'));
    const [one, two] = [await location(), await location()];
    const forged = `${one.split('&Signature=')[0]}&Signature=${two.split('&Signature=')[1]}`;
    const refused = await idp.request('GET', `${forged}&user=forged@example.com`);
    expect([refused.status, refused.body]).toEqual([400, expect.stringMatching(/IncorrectlySigned: the query signature does not verify/)]);
    expect((await idp.request('GET', `${one}&user=genuine@example.com`)).status).toBe(200);
  });

  it('HTTP-POST with SP keys: pysaml2 verifies the enveloped signature; unsigned is refused', async () => {
    await idp.control({ wantSignedRequests: true });
    const { team, idpId } = await teamWithIdp(keyed, idp);
    const md = await keyed.inject('GET', `/sso/metadata/${team}`);
    expect(md.body).toContain('AuthnRequestsSigned="true"');
    const ok = await browserLogin(keyed, idp, idpId, 'post.signed@example.com');
    expect(titleOf(await ok.text())).toBe('wire:sso:success');
    await expect(throughIdp(plain, idp, idpId, 'post.signed@example.com')).rejects.toThrow(/IncorrectlySigned/);
  });

  it('decrypts what pysaml2 encrypts with AES-GCM to our metadata key, and refuses its default tripledes-cbc', async () => {
    const { idpId } = await teamWithIdp(keyed, idp);
    await idp.control({ encrypt: 'gcm' });
    const gcm = await throughIdp(keyed, idp, idpId, 'encrypted.gcm@example.com');
    const gcmXml = Buffer.from(gcm.samlResponse, 'base64').toString();
    expect(gcmXml).toContain('http://www.w3.org/2009/xmlenc11#aes256-gcm');
    expect(gcmXml).not.toMatch(/<(\w+:)?Assertion[\s>]/);
    expect(gcmXml).toMatch(/<(\w+:)?Signature[\s\S]*EncryptedAssertion/); // the Response is signed too
    const ok = await toAcs(keyed, gcm);
    expect(titleOf(await ok.text())).toBe('wire:sso:success');
    const row = await keyed.spar.samlUsers.get(idp.issuer, 'encrypted.gcm@example.com');
    expect(await keyed.identity.cookies.listByUser(row!.uid)).toHaveLength(1);

    await idp.control({ encrypt: 'cbc' });
    const cbc = await throughIdp(keyed, idp, idpId, 'encrypted.cbc@example.com');
    expect(Buffer.from(cbc.samlResponse, 'base64').toString()).toContain('http://www.w3.org/2001/04/xmlenc#tripledes-cbc');
    const refused = await toAcs(keyed, cbc);
    expect([refused.status, titleOf(await refused.text())]).toEqual([400, 'wire:sso:error:bad-response-saml']);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await keyed.spar.samlUsers.get(idp.issuer, 'encrypted.cbc@example.com')).toBeNull();
  });
});
