import { type KeyObject, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EncryptOptions, type TestKey, TestIdp, encryptedAssertion, makeTestKey } from '@sso/testing';
import { DECRYPTION_FAILED, decryptAssertion } from './decrypt';
import { RESPONSE_LIMITS } from './response';
import { type XmlLimits, children, parseUntrustedXml, strictText } from './xml';

const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;
const RESPONSE_OPEN =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">';

let sp: TestKey;
let spKey: KeyObject;
let other: TestKey;
let idp: TestIdp;
let assertion: string;

beforeAll(async () => {
  [sp, other, idp] = await Promise.all([makeTestKey('sp'), makeTestKey('other'), TestIdp.create()]);
  spKey = createPrivateKey(sp.keyPem);
  assertion = ASSERTION.exec(idp.response({ sp: SP, requestId: '_r1', nameId: 'enc@example.com' }).xml)![0];
});

function decrypt(encrypted: string, limits: XmlLimits = RESPONSE_LIMITS) {
  const doc = parseUntrustedXml(`${RESPONSE_OPEN}${encrypted}</samlp:Response>`, RESPONSE_LIMITS);
  return decryptAssertion(children(doc.documentElement)[0], spKey, limits);
}

const nameIdOf = (a: Element) => strictText(a.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'NameID')[0]);

describe('decryptAssertion: every allowed algorithm, both layouts', () => {
  const transports: EncryptOptions[] = [
    { transport: 'rsa-oaep-mgf1p' },
    { transport: 'rsa-oaep-mgf1p', digest: 'sha1' },
    { transport: 'rsa-oaep-mgf1p', digest: 'sha256' }, // MGF1-SHA1 with a SHA-256 label hash
    { transport: 'rsa-oaep' },
    { transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' },
    { transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha1' },
    { transport: 'rsa-oaep', digest: 'sha1', mgf: 'sha256' },
  ];
  const cases = (['aes128-gcm', 'aes192-gcm', 'aes256-gcm'] as const).flatMap((block) =>
    transports.flatMap((t) => (['inline', 'sibling'] as const).map((layout) => ({ ...t, block, layout }))),
  );
  it.each(cases)('%o', (opts) => {
    const out = decrypt(encryptedAssertion(assertion, sp.certPem, opts));
    if (!out.ok) throw new Error(out.message);
    expect(out.assertion.localName).toBe('Assertion');
    expect(nameIdOf(out.assertion)).toBe('enc@example.com');
  });

  it('declares on the Assertion the namespaces it relied on from around the EncryptedAssertion', () => {
    const bare = assertion.replace(' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', '');
    expect(bare).not.toContain('xmlns:saml');
    const out = decrypt(encryptedAssertion(bare, sp.certPem));
    if (!out.ok) throw new Error(out.message);
    expect(out.assertion.getAttribute('xmlns:saml')).toBe('urn:oasis:names:tc:SAML:2.0:assertion');
  });
});

describe('decryptAssertion: refusals', () => {
  const refused = (encrypted: string, message: RegExp | string, limits?: XmlLimits) => {
    const out = decrypt(encrypted, limits);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(message);
  };

  it('refuses RSA-1.5 key transport before any cryptography', () => {
    refused(encryptedAssertion(assertion, sp.certPem, { transport: 'rsa-1_5' }), /rsa-1_5.*refused/);
  });

  it.each(['aes128-cbc', 'aes256-cbc', 'aes192-cbc', 'tripledes-cbc'] as const)('refuses %s (padding oracle)', (block) => {
    refused(encryptedAssertion(assertion, sp.certPem, { block }), /CBC block encryption is refused/);
  });

  it('refuses unknown block, digest and MGF algorithms', () => {
    refused(
      encryptedAssertion(assertion, sp.certPem, { block: { uri: 'http://example.com/rot13', keyBytes: 32 } }),
      'block encryption algorithm not allowed: http://example.com/rot13',
    );
    const sha512 = encryptedAssertion(assertion, sp.certPem, { digest: 'sha256' }).replace('xmlenc#sha256', 'xmlenc#sha512');
    refused(sha512, /OAEP DigestMethod not allowed/);
    const mgf512 = encryptedAssertion(assertion, sp.certPem, { transport: 'rsa-oaep', mgf: 'sha256' }).replace('mgf1sha256', 'mgf1sha512');
    refused(mgf512, /OAEP MGF not allowed/);
    refused(
      encryptedAssertion(assertion, sp.certPem, { transport: 'rsa-oaep' }).replace('xmlenc11#rsa-oaep', 'xmlenc11#rsa-kem'),
      /key transport algorithm not allowed/,
    );
  });

  it('gives one and the same answer for every cryptographic failure', () => {
    const flip = (b: Buffer, i: number) => {
      b[(i + b.length) % b.length] ^= 1;
    };
    const variants: EncryptOptions[] = [
      { tamper: (p) => flip(p.data, 0) }, // IV
      { tamper: (p) => flip(p.data, 20) }, // ciphertext
      { tamper: (p) => flip(p.data, -1) }, // tag
      { tamper: (p) => flip(p.key, 5) }, // wrapped key: OAEP fails
      { tamper: (p) => p.key.fill(0xff) }, // not below the modulus
      { tamper: (p) => (p.data = p.data.subarray(0, 20)) }, // shorter than IV + tag
    ];
    for (const v of variants) refused(encryptedAssertion(assertion, sp.certPem, v), DECRYPTION_FAILED);
    refused(encryptedAssertion(assertion, other.certPem), DECRYPTION_FAILED); // another SP's key
    // Wrapped with SHA-256, announced as SHA-1: the OAEP label hash does not match.
    refused(
      encryptedAssertion(assertion, sp.certPem, { digest: 'sha256' })
        .replace('xmlenc#sha256', 'xmldsig#sha1')
        .replace('2001/04/xmldsig#sha1', '2000/09/xmldsig#sha1'),
      DECRYPTION_FAILED,
    );
    refused(
      encryptedAssertion(assertion, sp.certPem).replace(
        /(<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="[^"]+">)/,
        '$1<xenc:OAEPparams>AAAA</xenc:OAEPparams>',
      ),
      DECRYPTION_FAILED,
    );
  });

  it('refuses layouts it does not know', () => {
    const inline = encryptedAssertion(assertion, sp.certPem);
    const sibling = encryptedAssertion(assertion, sp.certPem, { layout: 'sibling' });
    const ek = /<xenc:EncryptedKey[\s\S]*<\/xenc:EncryptedKey>/.exec(inline)![0];
    refused(inline.replace('</xenc:EncryptedData>', `</xenc:EncryptedData>${ek}`), 'exactly one EncryptedKey is required, found 2');
    refused(sibling.replace('URI="#_ek1"', 'URI="#_other"'), 'RetrievalMethod does not name the EncryptedKey');
    refused(
      inline.replace(
        /<xenc:CipherValue>[^<]*<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/,
        '<xenc:CipherReference URI="http://example.com/x"/></xenc:CipherData></xenc:EncryptedData>',
      ),
      'CipherReference is not supported',
    );
    refused(inline.replace('xmlenc#Element', 'xmlenc#Content'), /EncryptedData of type .*Content is not supported/);
    refused(inline.replace('<xenc:EncryptedData', '<ds:Object/><xenc:EncryptedData'), 'unexpected Object in EncryptedAssertion');
    refused(
      inline.replace(
        /<xenc:CipherValue>[^<]*<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/,
        '<xenc:CipherValue>not base64!</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>',
      ),
      'CipherValue is not base64',
    );
  });

  it('refuses plaintext that is not exactly one saml:Assertion, or not strict XML', () => {
    const issuer = '<saml:Issuer>x</saml:Issuer>';
    refused(encryptedAssertion(issuer, sp.certPem), 'decrypted content is not a single saml:Assertion');
    refused(encryptedAssertion(assertion + assertion, sp.certPem), 'decrypted content is not a single saml:Assertion');
    refused(encryptedAssertion(`text${assertion}`, sp.certPem), 'decrypted content is not a single saml:Assertion');
    refused(encryptedAssertion(`<!--x-->${assertion}`, sp.certPem), 'decrypted content is not a single saml:Assertion');
    refused(encryptedAssertion(`<!DOCTYPE a [<!ENTITY e "e">]>${assertion}`, sp.certPem), /DOCTYPE/);
    refused(encryptedAssertion(assertion.slice(0, -5), sp.certPem), /malformed XML/);
    // An XML declaration inside is a misplaced declaration (the PI target `xml` is reserved).
    refused(encryptedAssertion(`<?xml version="1.0"?>${assertion}`, sp.certPem), /misplaced XML declaration/);
  });

  it('applies the Response limits to the plaintext', () => {
    const small = { maxBytes: 4096, maxDepth: 10, maxElements: 100 };
    const big = assertion.replace('</saml:Issuer>', `</saml:Issuer><!--${'x'.repeat(5000)}-->`);
    refused(encryptedAssertion(big, sp.certPem), /larger than 4096 bytes/, small);
    const deep = assertion.replace('</saml:Issuer>', `</saml:Issuer>${'<a>'.repeat(12)}${'</a>'.repeat(12)}`);
    refused(encryptedAssertion(deep, sp.certPem), /nesting deeper than/, small);
  });
});
