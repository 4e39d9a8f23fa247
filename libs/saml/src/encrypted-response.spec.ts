import { execFile } from 'node:child_process';
import { type KeyObject, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EncryptOptions, type TestKey, TestIdp, b64, encryptResponse, makeTestKey } from '@sso/testing';
import { DECRYPTION_FAILED } from './decrypt';
import { validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';

const run = promisify(execFile);
const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;
const responseId = (xml: string) => /<samlp:Response [^>]*ID="([^"]+)"/.exec(xml)![1];

describe('validateResponse with encrypted assertions', () => {
  let idp: TestIdp;
  let sp: TestKey;
  let spKey: KeyObject;
  let n = 0;
  const { ports, requests } = memoryResponsePorts(() => ({ issuer: idp.issuer, certBase64: idp.key.certBase64 }));
  const validate = (xml: string, key: KeyObject | null = spKey) =>
    validateResponse(b64(xml), { spEntityId: SP, clockSkewSeconds: 60, maxttlAuthreq: 7200, maxttlAuthresp: 7200, now: new Date(), decryptionKey: key ?? undefined }, ports());
  /** A response to a fresh request, its assertion signed (or not) and then encrypted. */
  const encrypted = (opts: EncryptOptions = {}, sign: { assertion?: boolean; sha1?: boolean } = {}) => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const r = sign.assertion === false ? idp.unsignedResponse({ sp: SP, requestId }) : idp.response({ sp: SP, requestId }, { sha1: sign.sha1 });
    return { xml: encryptResponse(r.xml, sp.certPem, opts), requestId };
  };

  beforeAll(async () => {
    [idp, sp] = await Promise.all([TestIdp.create(), makeTestKey('sp')]);
    spKey = createPrivateKey(sp.keyPem);
  });

  it('grants an encrypted signed assertion in both layouts, once', async () => {
    for (const layout of ['inline', 'sibling'] as const) {
      const { xml, requestId } = encrypted({ layout });
      expect(await validate(xml)).toMatchObject({ kind: 'granted', requestId, nameId: { value: 'alice@example.com' } });
      requests.set(requestId, idp.issuer);
      expect(await validate(xml)).toMatchObject({ kind: 'denied', reasons: ['status: failure (assertion replayed)'] });
    }
  });

  it('keeps refusing encrypted assertions without an SP key, as spar', async () => {
    expect(await validate(encrypted().xml, null)).toEqual({ kind: 'error', code: 'bad-response-saml', message: 'encrypted assertions are not supported' });
  });

  it('refuses CBC and failed decryptions with one label, never throwing', async () => {
    const cbc = await validate(encrypted({ block: 'aes256-cbc' }).xml);
    expect(cbc).toMatchObject({ kind: 'error', code: 'bad-response-saml', message: expect.stringMatching(/CBC block encryption is refused/) });
    const tag = await validate(encrypted({ tamper: (p) => (p.data[p.data.length - 1] ^= 1) }).xml);
    const key = await validate(encrypted({ tamper: (p) => (p.key[3] ^= 1) }).xml);
    expect(tag).toEqual({ kind: 'error', code: 'bad-response-saml', message: DECRYPTION_FAILED });
    expect(key).toEqual(tag);
  });

  it('still requires the assertion signature and applies the algorithm allow-list inside', async () => {
    expect(await validate(encrypted({}, { assertion: false }).xml)).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    expect(await validate(encrypted({}, { sha1: true }).xml)).toMatchObject({ kind: 'error', code: 'bad-response-signature', message: expect.stringMatching(/Algorithm not allowed/) });
  });

  it('refuses two EncryptedAssertions, or one next to a plain Assertion', async () => {
    const { xml } = encrypted();
    const ea = /<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/.exec(xml)![0];
    const plain = ASSERTION.exec(idp.response({ sp: SP, requestId: '_x' }).xml)![0];
    for (const bad of [xml.replace(ea, ea + ea), xml.replace(ea, plain + ea)]) {
      expect(await validate(bad)).toMatchObject({ kind: 'error', code: 'bad-response-saml', message: 'exactly one assertion, encrypted or not, is allowed' });
    }
  });

  it('refuses signature wrapping through the ciphertext (anyone can encrypt to the SP key)', async () => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const signed = idp.response({ sp: SP, requestId, nameId: 'mallory@example.com' }).xml;
    const original = ASSERTION.exec(signed)![0];
    const evil = original.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('mallory@', 'admin@').replace(/ID="[^"]+"/, 'ID="_evil"');
    // An unsigned evil assertion encrypted in place of the signed one, alone or with the signed
    // original hidden in Extensions, or wrapped in the evil one's Advice.
    const evilInside = encryptResponse(signed.replace(original, evil), sp.certPem);
    const hidden = evilInside.replace('<samlp:Status>', `<samlp:Extensions>${original}</samlp:Extensions><samlp:Status>`);
    const wrapping = encryptResponse(signed.replace(original, evil.replace('</saml:Issuer>', `</saml:Issuer><saml:Advice>${original}</saml:Advice>`)), sp.certPem);
    for (const xml of [evilInside, hidden, wrapping]) {
      expect(await validate(xml)).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    }
  });

  describe('a signed Response around the EncryptedAssertion', () => {
    const signResponse = (xml: string, keyPem?: string) => idp.sign(xml, responseId(xml), { localName: 'Response', keyPem });

    it('verifies the Response signature with the IdP key, then the assertion signature', async () => {
      const { xml, requestId } = encrypted();
      const signed = signResponse(xml);
      expect(signed).toMatch(/<\/saml:Issuer><ds:Signature[\s\S]*<saml:EncryptedAssertion/);
      expect(await validate(signed)).toMatchObject({ kind: 'granted', requestId });
    });

    it('refuses a Response signature by another key, or over changed content', async () => {
      const stranger = await makeTestKey('stranger');
      const wrong = await validate(signResponse(encrypted().xml, stranger.keyPem));
      expect(wrong).toEqual({ kind: 'error', code: 'bad-response-signature', message: 'Invalid signature: the Response signature does not verify' });
      const changed = signResponse(encrypted().xml).replace('</samlp:Status>', '<samlp:StatusMessage>changed</samlp:StatusMessage></samlp:Status>');
      expect(await validate(changed)).toEqual(wrong);
    });

    it('does not let a Response signature stand in for the assertion signature', async () => {
      const out = await validate(signResponse(encrypted({}, { assertion: false }).xml));
      expect(out).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    });
  });

  it('decrypts what xmlsec1 (libxmlsec, an independent implementation) encrypted with aes256-gcm and rsa-oaep-mgf1p', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xmlsec-enc-'));
    try {
      const requestId = `_req${++n}`;
      requests.set(requestId, idp.issuer);
      const signed = idp.response({ sp: SP, requestId }).xml;
      // As libxml2 serializes it, the Assertion then relies on the Response's xmlns:saml.
      const bare = signed.replace(ASSERTION, (a) => `<saml:EncryptedAssertion>${a.replace(' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', '')}</saml:EncryptedAssertion>`);
      const template =
        '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
        '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">' +
        '<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>' +
        '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>';
      await Promise.all([
        fs.writeFile(path.join(dir, 'sp.crt'), sp.certPem),
        fs.writeFile(path.join(dir, 'response.xml'), bare),
        fs.writeFile(path.join(dir, 'template.xml'), template),
      ]);
      await run('xmlsec1', [
        '--encrypt',
        '--pubkey-cert-pem',
        path.join(dir, 'sp.crt'),
        '--session-key',
        'aes-256',
        '--xml-data',
        path.join(dir, 'response.xml'),
        '--node-xpath',
        "/*[local-name()='Response']/*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']",
        '--output',
        path.join(dir, 'out.xml'),
        path.join(dir, 'template.xml'),
      ]);
      const out = await fs.readFile(path.join(dir, 'out.xml'), 'utf8');
      expect(out).not.toContain('<saml:Assertion');
      expect(out).toContain('xmlenc11#aes256-gcm');
      expect(await validate(out)).toMatchObject({ kind: 'granted', requestId });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
