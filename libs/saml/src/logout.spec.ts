import { createPrivateKey, createSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestKey, TestIdp, encryptedElement, makeTestKey } from '@sso/testing';
import { type LogoutSettings, buildLogoutRequest, checkLogoutRequest, logoutIssuer, readPostMessage, readRedirectMessage } from './logout';
import { redirectBindingUrl } from './bindings';
import { keyInfoXml } from './idp-metadata';

const SLO = 'https://sp.example.com/sso/slo/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const NAME = {
  value: 'alice@example.com',
  format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  nameQualifier: null,
  spNameQualifier: null,
};

describe('logout messages (SAML Profiles §4.4)', () => {
  let idp: TestIdp;
  let sp: TestKey;
  const now = new Date('2026-12-04T12:00:00Z');
  const settings = (over: Partial<LogoutSettings> = {}): LogoutSettings => ({
    spEntityId: SP,
    sloUrl: SLO,
    clockSkewSeconds: 60,
    maxAgeSeconds: 7200,
    now,
    ...over,
  });
  const logoutIdp = () => ({ issuer: idp.issuer, certs: [keyInfoXml(idp.key.certBase64)] });
  /** A LogoutRequest from the IdP, as it would build one. */
  const request = (over: { at?: Date; destination?: string; nameId?: string; issuer?: string } = {}) => {
    const r = buildLogoutRequest({
      issuer: over.issuer ?? idp.issuer,
      destination: over.destination ?? SLO,
      nameId: NAME,
      now: over.at ?? now,
    });
    return { id: r.id, xml: over.nameId === undefined ? r.xml : r.xml.replace(/<NameID[^>]*>[^<]*<\/NameID>/, over.nameId) };
  };
  /** The Redirect binding as the IdP sends it: its key signs the query. */
  const redirect = (xml: string, sigAlg = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', node = 'RSA-SHA256') => {
    let q = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}&RelayState=rs&SigAlg=${encodeURIComponent(sigAlg)}`;
    q += `&Signature=${encodeURIComponent(createSign(node).update(q).sign(createPrivateKey(idp.key.keyPem)).toString('base64'))}`;
    return q;
  };
  const check = (query: string, s = settings()) => {
    const msg = readRedirectMessage(query);
    return checkLogoutRequest(msg, logoutIssuer(msg).doc, logoutIdp(), s);
  };
  const post = (xml: string) => {
    const msg = readPostMessage({ SAMLRequest: Buffer.from(xml).toString('base64') });
    return checkLogoutRequest(msg, logoutIssuer(msg).doc, logoutIdp(), settings());
  };

  beforeAll(async () => {
    [idp, sp] = await Promise.all([TestIdp.create(), makeTestKey('sp')]);
  });

  it('accepts a signed, fresh, addressed request and reads its NameID and replay window', () => {
    const { id, xml } = request();
    expect(check(redirect(xml))).toEqual({ kind: 'request', id, nameId: NAME, ttlSeconds: 300 + 60 });
    expect(post(idp.sign(xml, id, { localName: 'LogoutRequest' }))).toMatchObject({ kind: 'request', id, nameId: NAME });
  });

  it('refuses stale, future, misaddressed and foreign-issuer requests', () => {
    expect(() => check(redirect(request({ at: new Date(now.getTime() - 3 * 3600_000) }).xml))).toThrow(/NotOnOrAfter|old/);
    expect(() => check(redirect(request({ at: new Date(now.getTime() + 600_000) }).xml))).toThrow(/in the future/);
    expect(() => check(redirect(request({ destination: `${SLO}x` }).xml))).toThrow(/Destination must be/);
    expect(() => check(redirect(request({ issuer: 'https://evil.example.com' }).xml))).toThrow(/signed Issuer is not the IdP/);
  });

  it('requires a signature with an allowed algorithm, over the exact query octets', () => {
    const { id, xml } = request();
    expect(() => check(redirect(xml).replace(/&SigAlg=.*$/, ''))).toThrow(/not signed/);
    expect(() => check(redirect(xml, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'RSA-SHA1'))).toThrow(/SigAlg not allowed/);
    expect(() => check(redirect(xml).replace('RelayState=rs', 'RelayState=rt'))).toThrow(/does not verify/);
    expect(() => post(xml)).toThrow(/not signed/);
    const signed = idp.sign(xml, id, { localName: 'LogoutRequest' });
    expect(() => post(signed.replace('alice@example.com', 'mallory@example.com'))).toThrow(/signature/);
  });

  it('decrypts an EncryptedID with the SP key, and refuses it without', () => {
    // With the OAEP DigestMethod written out as xmlsec1-based IdPs do (SHA-1, an encryption parameter).
    const enc = encryptedElement('EncryptedID', `<saml:NameID Format="${NAME.format}">bob@example.com</saml:NameID>`, sp.certPem, {
      digest: 'sha1',
    });
    const { id, xml } = request({ nameId: enc });
    const msg = readPostMessage({ SAMLRequest: Buffer.from(idp.sign(xml, id, { localName: 'LogoutRequest' })).toString('base64') });
    const doc = () => logoutIssuer(msg).doc;
    expect(checkLogoutRequest(msg, doc(), logoutIdp(), settings({ decryptionKey: createPrivateKey(sp.keyPem) })).nameId.value).toBe(
      'bob@example.com',
    );
    expect(() => checkLogoutRequest(msg, doc(), logoutIdp(), settings())).toThrow(/encrypted NameIDs are not supported/);
  });

  it('reads the bindings strictly: one message field, base64, DEFLATE, bounded size', () => {
    expect(() => readRedirectMessage('')).toThrow(/exactly one of SAMLRequest and SAMLResponse/);
    expect(() => readRedirectMessage('SAMLRequest=a&SAMLResponse=b')).toThrow(/exactly one/);
    expect(() => readRedirectMessage('SAMLRequest=%%%')).toThrow(/percent-encoding/);
    expect(() => readRedirectMessage('SAMLRequest=bm90IGRlZmxhdGVk')).toThrow(/DEFLATE/);
    const bomb = encodeURIComponent(deflateRawSync(Buffer.alloc(200_000, 'a')).toString('base64'));
    expect(() => readRedirectMessage(`SAMLRequest=${bomb}`)).toThrow(/too large/);
    expect(() =>
      readRedirectMessage(`SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from('<x/>')).toString('base64'))}&SigAlg=a`),
    ).toThrow(/go together/);
    expect(() => readPostMessage({ SAMLRequest: 'not base64!' })).toThrow(/not base64/);
    const wrongKind = readPostMessage({ SAMLResponse: Buffer.from(request().xml).toString('base64') });
    expect(() => logoutIssuer(wrongKind)).toThrow(/must be a samlp:LogoutResponse/);
  });

  it('puts our Redirect messages together as the binding says: signature over field, RelayState, SigAlg', () => {
    const key = { keyPem: sp.keyPem, privateKey: createPrivateKey(sp.keyPem), certBase64: sp.certBase64 };
    const url = new URL(redirectBindingUrl('https://idp.example.com/slo?tenant=a', 'SAMLResponse', '<x/>', { relayState: 'r s', key }));
    expect([...url.searchParams.keys()]).toEqual(['tenant', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
    const raw = url.search
      .slice(1)
      .split('&Signature=')[0]
      .replace(/^tenant=a&/, '');
    const ok = createSign('RSA-SHA256').update(raw).sign(key.privateKey).toString('base64');
    expect(url.searchParams.get('Signature')).toBe(ok);
  });
});
