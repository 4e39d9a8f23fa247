import { createPrivateKey, createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestKey, makeTestKey } from '@sso/testing';
import { authnRequestRedirectUrl, buildAuthnRequest, newRequestId, requestIssuedAt } from './authn-request';
import { RSA_SHA256 } from './bindings';
import type { SpSigningKey } from './sp';

const SP = 'https://w.example/sso/finalize-login/6a0c2c1e-8d0b-4a55-9a4b-3b1f4c8f1d2e';
const inflate = (samlRequest: string) => inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');

describe('HTTP-Redirect AuthnRequest (SAML Bindings §3.4.4.1)', () => {
  let key: TestKey;
  let signing: SpSigningKey;
  beforeAll(async () => {
    key = await makeTestKey('sp');
    signing = { keyPem: key.keyPem, privateKey: createPrivateKey(key.keyPem), certBase64: key.certBase64 };
  });

  it('carries the DEFLATE-raw, base64 AuthnRequest, with the Destination the Redirect binding asks for, unsigned without SP keys', () => {
    const req = buildAuthnRequest(SP, new Date(0), { id: '_redirect', destination: 'https://idp.example/sso' });
    const url = new URL(authnRequestRedirectUrl('https://idp.example/sso', req));
    expect(`${url.origin}${url.pathname}`).toBe('https://idp.example/sso');
    expect([...url.searchParams.keys()]).toEqual(['SAMLRequest']);
    const xml = inflate(url.searchParams.get('SAMLRequest')!);
    expect(xml).toBe(req.xml);
    expect(xml).toContain('ID="_redirect"');
    expect(xml).toContain(`<saml:Issuer>${SP}</saml:Issuer>`);
    expect(xml).toContain('Destination="https://idp.example/sso"');
    expect(buildAuthnRequest(SP, new Date(0)).xml).not.toContain('Destination'); // the POST path: spar's, without
    expect(xml).not.toContain('RelayState');
  });

  it('signs the exact query octets SAMLRequest=…&SigAlg=… with the SP key; the XML has no enveloped signature', () => {
    const req = buildAuthnRequest(SP, new Date(0), { id: '_signed' });
    const url = authnRequestRedirectUrl('https://idp.example/sso', req, signing);
    const m = /^https:\/\/idp\.example\/sso\?(SAMLRequest=[^&]+&SigAlg=[^&]+)&Signature=([^&]+)$/.exec(url);
    expect(m, url).not.toBeNull();
    const [signed, signature] = [m![1], decodeURIComponent(m![2])];
    expect(decodeURIComponent(/SigAlg=([^&]+)/.exec(signed)![1])).toBe(RSA_SHA256);
    // Percent-encoded as the IdP sees them: base64's + / = never appear raw.
    for (const part of signed.split('&')) expect(part.slice(part.indexOf('=') + 1)).not.toMatch(/[+/=:#]/);
    const verify = (data: string) => createVerify('RSA-SHA256').update(data, 'utf8').verify(key.certPem, signature, 'base64');
    expect(verify(signed)).toBe(true);
    expect(verify(signed.replace('SAMLRequest=', 'SAMLRequest=A'))).toBe(false);
    const xml = inflate(decodeURIComponent(/SAMLRequest=([^&]+)/.exec(signed)![1]));
    expect(xml).toBe(req.xml);
    expect(xml).not.toContain('Signature');
  });

  it('with a RelayState (logins from /sso/login): SAMLRequest, RelayState, SigAlg in that order, all signed', () => {
    const req = buildAuthnRequest(SP, new Date(0), { id: '_relay' });
    const url = authnRequestRedirectUrl('https://idp.example/sso', req, signing, 'sso-login');
    const m = /^https:\/\/idp\.example\/sso\?(SAMLRequest=[^&]+&RelayState=sso-login&SigAlg=[^&]+)&Signature=([^&]+)$/.exec(url);
    expect(m, url).not.toBeNull();
    const verify = (data: string) =>
      createVerify('RSA-SHA256').update(data, 'utf8').verify(key.certPem, decodeURIComponent(m![2]), 'base64');
    expect(verify(m![1])).toBe(true);
    expect(verify(m![1].replace('RelayState=sso-login', 'RelayState=other'))).toBe(false);
    expect([...new URL(authnRequestRedirectUrl('https://idp.example/sso', req, undefined, 'sso-login')).searchParams.keys()]).toEqual([
      'SAMLRequest',
      'RelayState',
    ]);
  });

  it('appends to a query the IdP SSO URL already has', () => {
    const req = buildAuthnRequest(SP, new Date(0), { id: '_q' });
    const url = authnRequestRedirectUrl('https://idp.example/sso?tenant=a%20b', req, signing);
    expect(url).toMatch(/^https:\/\/idp\.example\/sso\?tenant=a%20b&SAMLRequest=[^&?]+&SigAlg=[^&?]+&Signature=[^&?]+$/);
    const params = new URL(url).searchParams;
    expect(params.get('tenant')).toBe('a b');
    expect(inflate(params.get('SAMLRequest')!)).toBe(req.xml);
    expect(authnRequestRedirectUrl('https://idp.example/sso?', req)).toMatch(/^https:\/\/idp\.example\/sso\?SAMLRequest=/);
  });
});

describe('AuthnRequest IDs', () => {
  it('are `_` and a UUIDv7 carrying the millisecond of issue, random otherwise', () => {
    const at = new Date('2026-12-04T10:11:12.345Z');
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId(at)));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(requestIssuedAt(id)?.toISOString()).toBe(at.toISOString());
    }
    expect(buildAuthnRequest(SP, at).id).toMatch(/^_[0-9a-f-]{36}$/);
    expect(requestIssuedAt(buildAuthnRequest(SP, at).id)?.getTime()).toBe(at.getTime());
  });

  it('tell no issue time for IDs of another shape (the UUIDv4 IDs of older versions, anything else)', () => {
    expect(requestIssuedAt('_0b6c5a47-3c8e-4a5f-9d1e-2f3a4b5c6d7e')).toBeNull();
    expect(requestIssuedAt('_redirect')).toBeNull();
    expect(requestIssuedAt(newRequestId(new Date()).slice(1))).toBeNull();
    expect(requestIssuedAt(`${newRequestId(new Date())}x`)).toBeNull();
  });
});
