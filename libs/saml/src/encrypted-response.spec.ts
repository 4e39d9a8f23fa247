import { type KeyObject, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EncryptOptions, type TestKey, TestIdp, b64, encryptResponse, makeTestKey } from '@sso/testing';
import { DECRYPTION_FAILED } from './decrypt';
import { validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';

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
    validateResponse(
      b64(xml),
      { spEntityId: SP, clockSkewSeconds: 60, maxttlAuthreq: 7200, maxttlAuthresp: 7200, now: new Date(), decryptionKey: key ?? undefined },
      ports(),
    );
  /** A response to a fresh request, its assertion signed (or not) and then encrypted. */
  const encrypted = (opts: EncryptOptions = {}, sign: { assertion?: boolean; sha1?: boolean } = {}) => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const r =
      sign.assertion === false ? idp.unsignedResponse({ sp: SP, requestId }) : idp.response({ sp: SP, requestId }, { sha1: sign.sha1 });
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
    expect(await validate(encrypted().xml, null)).toEqual({
      kind: 'error',
      code: 'bad-response-saml',
      message: 'encrypted assertions are not supported',
    });
  });

  it('refuses CBC and failed decryptions with one label, never throwing', async () => {
    const cbc = await validate(encrypted({ block: 'aes256-cbc' }).xml);
    expect(cbc).toMatchObject({
      kind: 'error',
      code: 'bad-response-saml',
      message: expect.stringMatching(/CBC block encryption is refused/),
    });
    const tag = await validate(encrypted({ tamper: (p) => (p.data[p.data.length - 1] ^= 1) }).xml);
    const key = await validate(encrypted({ tamper: (p) => (p.key[3] ^= 1) }).xml);
    expect(tag).toEqual({ kind: 'error', code: 'bad-response-saml', message: DECRYPTION_FAILED });
    expect(key).toEqual(tag);
  });

  it('still requires the assertion signature and applies the algorithm allow-list inside', async () => {
    expect(await validate(encrypted({}, { assertion: false }).xml)).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    expect(await validate(encrypted({}, { sha1: true }).xml)).toMatchObject({
      kind: 'error',
      code: 'bad-response-signature',
      message: expect.stringMatching(/Algorithm not allowed/),
    });
  });

  it('refuses two EncryptedAssertions, or one next to a plain Assertion', async () => {
    const { xml } = encrypted();
    const ea = /<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/.exec(xml)![0];
    const plain = ASSERTION.exec(idp.response({ sp: SP, requestId: '_x' }).xml)![0];
    for (const bad of [xml.replace(ea, ea + ea), xml.replace(ea, plain + ea)]) {
      expect(await validate(bad)).toMatchObject({
        kind: 'error',
        code: 'bad-response-saml',
        message: 'exactly one assertion, encrypted or not, is allowed',
      });
    }
  });

  it('refuses signature wrapping through the ciphertext (anyone can encrypt to the SP key)', async () => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const signed = idp.response({ sp: SP, requestId, nameId: 'mallory@example.com' }).xml;
    const original = ASSERTION.exec(signed)![0];
    const evil = original
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
      .replace('mallory@', 'admin@')
      .replace(/ID="[^"]+"/, 'ID="_evil"');
    // An unsigned evil assertion encrypted in place of the signed one, alone or with the signed
    // original hidden in Extensions, or wrapped in the evil one's Advice.
    const evilInside = encryptResponse(signed.replace(original, evil), sp.certPem);
    const hidden = evilInside.replace('<samlp:Status>', `<samlp:Extensions>${original}</samlp:Extensions><samlp:Status>`);
    const wrapping = encryptResponse(
      signed.replace(original, evil.replace('</saml:Issuer>', `</saml:Issuer><saml:Advice>${original}</saml:Advice>`)),
      sp.certPem,
    );
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
      expect(wrong).toEqual({
        kind: 'error',
        code: 'bad-response-signature',
        message: 'Invalid signature: the Response signature does not verify',
      });
      const changed = signResponse(encrypted().xml).replace(
        '</samlp:Status>',
        '<samlp:StatusMessage>changed</samlp:StatusMessage></samlp:Status>',
      );
      expect(await validate(changed)).toEqual(wrong);
    });

    it('does not let a Response signature stand in for the assertion signature', async () => {
      const out = await validate(signResponse(encrypted({}, { assertion: false }).xml));
      expect(out).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    });
  });
});
