import { type KeyObject, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EncryptOptions, type TestKey, TestIdp, b64, encryptedElement, makeTestKey } from '@sso/testing';
import { decryptionFailed } from './decrypt';
import { validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';

const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const NAME_ID = /<saml:NameID[^>]*>[^<]*<\/saml:NameID>/;
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

const attribute = (name: string, ...values: string[]) =>
  `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
  values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('') +
  '</saml:Attribute>';

describe('validateResponse with an EncryptedID and EncryptedAttributes (SAML core §2.2.4, §2.7.3.2)', () => {
  let idp: TestIdp;
  let sp: TestKey;
  let other: TestKey;
  let spKey: KeyObject;
  let n = 0;
  const { ports, requests } = memoryResponsePorts(() => ({ issuer: idp.issuer, certBase64: idp.key.certBase64 }));
  const validate = (xml: string, key: KeyObject | null = spKey) =>
    validateResponse(
      b64(xml),
      { spEntityId: SP, clockSkewSeconds: 60, maxttlAuthreq: 7200, maxttlAuthresp: 7200, now: new Date(), decryptionKey: key ?? undefined },
      ports(),
    );

  interface Build {
    /** How the NameID is sent: encrypted (with these options), plain, or both at once. */
    nameId?: { encrypt?: EncryptOptions; plainToo?: boolean; cert?: string };
    /** Attributes: plain ones, and ones encrypted with these options. */
    plain?: string[];
    encrypted?: { xml: string; opts?: EncryptOptions; cert?: string }[];
    /** Encrypt after signing (the signature then no longer covers the bytes). */
    afterSigning?: boolean;
  }

  /** A signed Response to a fresh request; the Assertion is signed over its encrypted parts, as IdPs do. */
  const build = (b: Build) => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const r = idp.unsignedResponse({ sp: SP, requestId, nameId: 'bob@example.com', nameIdFormat: UNSPECIFIED });
    const edit = (xml: string) => {
      let out = xml;
      if (b.nameId) {
        const plain = NAME_ID.exec(out)![0];
        const enc = encryptedElement('EncryptedID', plain, b.nameId.cert ?? sp.certPem, b.nameId.encrypt);
        out = out.replace(plain, () => (b.nameId!.plainToo ? plain + enc : enc));
      }
      const parts = [
        ...(b.plain ?? []),
        ...(b.encrypted ?? []).map((e) => encryptedElement('EncryptedAttribute', e.xml, e.cert ?? sp.certPem, e.opts)),
      ];
      if (parts.length > 0)
        out = out.replace(
          '</saml:Assertion>',
          () => `<saml:AttributeStatement>${parts.join('')}</saml:AttributeStatement></saml:Assertion>`,
        );
      return out;
    };
    if (b.afterSigning) return edit(idp.sign(r.xml, r.assertionId));
    return idp.sign(edit(r.xml), r.assertionId);
  };

  beforeAll(async () => {
    [idp, sp, other] = await Promise.all([TestIdp.create(), makeTestKey('sp'), makeTestKey('other-sp')]);
    spKey = createPrivateKey(sp.keyPem);
  });

  it('grants a login whose NameID is encrypted, in both key layouts and both OAEP transports', async () => {
    for (const encrypt of [
      { layout: 'inline' },
      { layout: 'sibling' },
      { transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' },
    ] as EncryptOptions[]) {
      expect(await validate(build({ nameId: { encrypt } }))).toMatchObject({
        kind: 'granted',
        nameId: { value: 'bob@example.com', format: UNSPECIFIED },
      });
    }
  });

  it('returns plain and decrypted attributes, in order', async () => {
    const out = await validate(
      build({
        plain: [attribute('displayName', 'Bob')],
        encrypted: [{ xml: attribute('email', 'bob@example.com', 'b@example.com') }, { xml: attribute('groups', 'a &amp; b') }],
      }),
    );
    expect(out).toMatchObject({
      kind: 'granted',
      attributes: [
        { name: 'displayName', values: ['Bob'] },
        { name: 'email', values: ['bob@example.com', 'b@example.com'], nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic' },
        { name: 'groups', values: ['a & b'] },
      ],
    });
  });

  it('refuses encrypted parts without an SP key, naming what is missing', async () => {
    expect(await validate(build({ nameId: {} }), null)).toMatchObject({
      kind: 'error',
      code: 'bad-response-saml',
      message: expect.stringMatching(/encrypted NameIDs are not supported/),
    });
    expect(await validate(build({ encrypted: [{ xml: attribute('email', 'x') }] }), null)).toMatchObject({
      kind: 'error',
      code: 'bad-response-saml',
      message: expect.stringMatching(/encrypted attributes are not supported/),
    });
  });

  it('applies the algorithm rules of encrypted assertions: CBC and RSA 1.5 refused before any cryptography', async () => {
    expect(await validate(build({ nameId: { encrypt: { block: 'aes128-cbc' } } }))).toMatchObject({
      code: 'bad-response-saml',
      message: expect.stringMatching(/CBC block encryption is refused/),
    });
    expect(await validate(build({ encrypted: [{ xml: attribute('email', 'x'), opts: { transport: 'rsa-1_5' } }] }))).toMatchObject({
      code: 'bad-response-saml',
      message: expect.stringMatching(/rsa-1_5\) is refused/),
    });
  });

  it('gives one message for every cryptographic failure: tampered data, tampered key, another SP key', async () => {
    const failed = { kind: 'error', code: 'bad-response-saml', message: decryptionFailed('EncryptedID') };
    expect(await validate(build({ nameId: { encrypt: { tamper: (p) => (p.data[p.data.length - 1] ^= 1) } } }))).toEqual(failed);
    expect(await validate(build({ nameId: { encrypt: { tamper: (p) => (p.key[5] ^= 1) } } }))).toEqual(failed);
    expect(await validate(build({ nameId: { cert: other.certPem } }))).toEqual(failed);
    expect(await validate(build({ encrypted: [{ xml: attribute('email', 'x'), cert: other.certPem }] }))).toEqual({
      ...failed,
      message: decryptionFailed('EncryptedAttribute'),
    });
  });

  it('refuses a NameID and an EncryptedID together, and plaintext that is not the element it claims to be', async () => {
    expect(await validate(build({ nameId: { plainToo: true } }))).toMatchObject({
      code: 'bad-response-saml',
      message: 'Assertion needs a Subject with exactly one NameID or EncryptedID',
    });
    // An EncryptedAttribute that decrypts to a NameID (or anything else) is refused.
    expect(await validate(build({ encrypted: [{ xml: '<saml:NameID>mallory@example.com</saml:NameID>' }] }))).toMatchObject({
      code: 'bad-response-saml',
      message: 'decrypted content is not a single saml:Attribute',
    });
  });

  it('decrypts only what the IdP signed: an EncryptedID swapped in after signing breaks the signature', async () => {
    expect(await validate(build({ nameId: {}, afterSigning: true }))).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
  });
});
