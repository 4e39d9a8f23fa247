// Integration tier (an external program): the decryption against xmlsec1's output. xmlsec1 comes
// from Debian; installed here when missing and running as root (CI), as pysaml2-idp.ts does.
import { execFile } from 'node:child_process';
import { type KeyObject, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestKey, TestIdp, b64, makeTestKey } from '@sso/testing';
import { validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';

const run = promisify(execFile);
const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;

async function ensureXmlsec1(): Promise<void> {
  const present = () =>
    run('xmlsec1', ['--version']).then(
      () => true,
      () => false,
    );
  if (await present()) return;
  if (process.getuid?.() !== 0) throw new Error('xmlsec1 is missing: apt-get install xmlsec1');
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'xmlsec1'], { timeout: 300_000 });
  await install().catch(async () => {
    await run('apt-get', ['update'], { timeout: 300_000 });
    await install();
  });
  if (!(await present())) throw new Error('installing xmlsec1 did not work');
}

describe('validateResponse with assertions encrypted by another implementation', () => {
  let idp: TestIdp;
  let sp: TestKey;
  let spKey: KeyObject;
  let n = 0;
  const { ports, requests } = memoryResponsePorts(() => ({ issuer: idp.issuer, certBase64: idp.key.certBase64 }));
  const validate = (xml: string) =>
    validateResponse(
      b64(xml),
      { spEntityId: SP, clockSkewSeconds: 60, maxttlAuthreq: 7200, maxttlAuthresp: 7200, now: new Date(), decryptionKey: spKey },
      ports(),
    );

  beforeAll(async () => {
    await ensureXmlsec1();
    [idp, sp] = await Promise.all([TestIdp.create(), makeTestKey('sp')]);
    spKey = createPrivateKey(sp.keyPem);
  });

  const TEMPLATE =
    '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
    '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">' +
    '<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>' +
    '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>';

  /** The element at `xpath` of `xml` encrypted by xmlsec1 for the SP's certificate (aes256-gcm, rsa-oaep-mgf1p). */
  async function xmlsecEncrypt(xml: string, xpath: string): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xmlsec-enc-'));
    try {
      await Promise.all([
        fs.writeFile(path.join(dir, 'sp.crt'), sp.certPem),
        fs.writeFile(path.join(dir, 'response.xml'), xml),
        fs.writeFile(path.join(dir, 'template.xml'), TEMPLATE),
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
        xpath,
        '--output',
        path.join(dir, 'out.xml'),
        path.join(dir, 'template.xml'),
      ]);
      return await fs.readFile(path.join(dir, 'out.xml'), 'utf8');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  it('decrypts what xmlsec1 (libxmlsec, an independent implementation) encrypted with aes256-gcm and rsa-oaep-mgf1p', async () => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const signed = idp.response({ sp: SP, requestId }).xml;
    // As libxml2 serializes it, the Assertion then relies on the Response's xmlns:saml.
    const bare = signed.replace(
      ASSERTION,
      (a) => `<saml:EncryptedAssertion>${a.replace(' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', '')}</saml:EncryptedAssertion>`,
    );
    const out = await xmlsecEncrypt(bare, "/*[local-name()='Response']/*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']");
    expect(out).not.toContain('<saml:Assertion');
    expect(out).toContain('xmlenc11#aes256-gcm');
    expect(await validate(out)).toMatchObject({ kind: 'granted', requestId });
  });

  it('decrypts an EncryptedID that xmlsec1 encrypted inside the assertion the IdP then signed', async () => {
    const requestId = `_req${++n}`;
    requests.set(requestId, idp.issuer);
    const r = idp.unsignedResponse({ sp: SP, requestId, nameId: 'carol@example.com' });
    const wrapped = r.xml.replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, (id) => `<saml:EncryptedID>${id}</saml:EncryptedID>`);
    const out = await xmlsecEncrypt(wrapped, "//*[local-name()='EncryptedID']/*[local-name()='NameID']");
    expect(out).not.toContain('carol@example.com');
    expect(await validate(idp.sign(out, r.assertionId))).toMatchObject({
      kind: 'granted',
      requestId,
      nameId: { value: 'carol@example.com' },
    });
  });
});
