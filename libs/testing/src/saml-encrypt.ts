import { type CipherGCM, X509Certificate, constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const DIGEST_URI = { sha1: 'http://www.w3.org/2000/09/xmldsig#sha1', sha256: `${XENC}sha256` } as const;

type Hash = 'sha1' | 'sha256';
export type BlockAlg = 'aes128-gcm' | 'aes192-gcm' | 'aes256-gcm' | 'aes128-cbc' | 'aes192-cbc' | 'aes256-cbc' | 'tripledes-cbc';
export type TransportAlg = 'rsa-oaep-mgf1p' | 'rsa-oaep' | 'rsa-1_5';

export interface EncryptOptions {
  block?: BlockAlg | { uri: string; keyBytes: number };
  transport?: TransportAlg;
  /** OAEP DigestMethod; absent means the element is left out (SHA-1 by default). */
  digest?: Hash;
  /** xmlenc11#rsa-oaep MGF element; absent means left out (MGF1-SHA1 by default). */
  mgf?: Hash;
  /** EncryptedKey in EncryptedData's KeyInfo (xmlsec1, pysaml2) or beside it with a RetrievalMethod (ADFS, Okta). */
  layout?: 'inline' | 'sibling';
  /** Changes the encrypted bytes (CipherValue of EncryptedData / of EncryptedKey) before encoding. */
  tamper?: (parts: { data: Buffer; key: Buffer }) => void;
}

const BLOCKS: Record<BlockAlg, { uri: string; cipher: string; keyBytes: number; ivBytes: number }> = {
  'aes128-gcm': { uri: `${XENC11}aes128-gcm`, cipher: 'aes-128-gcm', keyBytes: 16, ivBytes: 12 },
  'aes192-gcm': { uri: `${XENC11}aes192-gcm`, cipher: 'aes-192-gcm', keyBytes: 24, ivBytes: 12 },
  'aes256-gcm': { uri: `${XENC11}aes256-gcm`, cipher: 'aes-256-gcm', keyBytes: 32, ivBytes: 12 },
  'aes128-cbc': { uri: `${XENC}aes128-cbc`, cipher: 'aes-128-cbc', keyBytes: 16, ivBytes: 16 },
  'aes192-cbc': { uri: `${XENC}aes192-cbc`, cipher: 'aes-192-cbc', keyBytes: 24, ivBytes: 16 },
  'aes256-cbc': { uri: `${XENC}aes256-cbc`, cipher: 'aes-256-cbc', keyBytes: 32, ivBytes: 16 },
  'tripledes-cbc': { uri: `${XENC}tripledes-cbc`, cipher: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8 },
};

function mgf(seed: Buffer, length: number, hash: Hash): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * createHash(hash).digest().length < length; i++) {
    parts.push(
      createHash(hash)
        .update(Buffer.concat([seed, Buffer.from([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255])]))
        .digest(),
    );
  }
  return Buffer.concat(parts).subarray(0, length);
}

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

/** RSA-OAEP with the label hash and the MGF1 hash chosen apart (Node ties them together). */
function oaepEncrypt(certPem: string, m: Buffer, hash: Hash, mgfHash: Hash): Buffer {
  const k = (new X509Certificate(certPem).publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const lHash = createHash(hash).digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - m.length - 2 * lHash.length - 2), Buffer.from([1]), m]);
  const seed = randomBytes(lHash.length);
  const maskedDb = xor(db, mgf(seed, db.length, mgfHash));
  const maskedSeed = xor(seed, mgf(maskedDb, seed.length, mgfHash));
  return publicEncrypt({ key: certPem, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]));
}

function wrapKey(certPem: string, cek: Buffer, transport: TransportAlg, digest: Hash, mgfHash: Hash): Buffer {
  if (transport === 'rsa-1_5') return publicEncrypt({ key: certPem, padding: constants.RSA_PKCS1_PADDING }, cek);
  if (digest === mgfHash) return publicEncrypt({ key: certPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: digest }, cek);
  return oaepEncrypt(certPem, cek, digest, mgfHash);
}

function encryptBlock(alg: (typeof BLOCKS)[BlockAlg], cek: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(alg.ivBytes);
  const c = createCipheriv(alg.cipher, cek, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return alg.cipher.endsWith('gcm') ? Buffer.concat([iv, body, (c as CipherGCM).getAuthTag()]) : Buffer.concat([iv, body]);
}

export type EncryptedKind = 'EncryptedAssertion' | 'EncryptedID' | 'EncryptedAttribute';

/**
 * A saml:EncryptedAssertion, EncryptedID or EncryptedAttribute holding `plaintext` (XML Encryption
 * 1.1, Type Element) for the SP's certificate, made with Node's crypto independently of the SP's
 * decryption code. The `saml` prefix must be declared where it is put.
 */
export function encryptedElement(kind: EncryptedKind, plaintext: string, spCertPem: string, opts: EncryptOptions = {}): string {
  const transport = opts.transport ?? 'rsa-oaep-mgf1p';
  const b = opts.block ?? 'aes256-gcm';
  const alg = typeof b === 'string' ? BLOCKS[b] : { uri: b.uri, cipher: 'aes-256-gcm', keyBytes: b.keyBytes, ivBytes: 12 };
  const cek = randomBytes(alg.keyBytes);
  const mgfHash = transport === 'rsa-oaep' ? (opts.mgf ?? 'sha1') : 'sha1';
  const parts = {
    data: encryptBlock(alg, cek, Buffer.from(plaintext, 'utf8')),
    key: wrapKey(spCertPem, cek, transport, opts.digest ?? 'sha1', mgfHash),
  };
  opts.tamper?.(parts);
  const transportUri = transport === 'rsa-oaep' ? `${XENC11}rsa-oaep` : `${XENC}${transport}`;
  const method =
    `<xenc:EncryptionMethod Algorithm="${transportUri}">` +
    (opts.digest ? `<ds:DigestMethod Algorithm="${DIGEST_URI[opts.digest]}"/>` : '') +
    (opts.mgf ? `<xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${XENC11}mgf1${opts.mgf}"/>` : '') +
    '</xenc:EncryptionMethod>';
  const ek = (id: string) =>
    `<xenc:EncryptedKey${id}>${method}<xenc:CipherData><xenc:CipherValue>${parts.key.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>`;
  const sibling = opts.layout === 'sibling';
  const keyInfo = sibling ? `<ds:RetrievalMethod URI="#_ek1" Type="${XENC}EncryptedKey"/>` : ek('');
  return (
    `<saml:${kind} xmlns:xenc="${XENC}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
    `<xenc:EncryptedData Id="_ed1" Type="${XENC}Element"><xenc:EncryptionMethod Algorithm="${alg.uri}"/>` +
    `<ds:KeyInfo>${keyInfo}</ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${parts.data.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>` +
    (sibling ? ek(' Id="_ek1"') : '') +
    `</saml:${kind}>`
  );
}

/** A saml:EncryptedAssertion (encryptedElement). */
export const encryptedAssertion = (plaintext: string, spCertPem: string, opts: EncryptOptions = {}): string =>
  encryptedElement('EncryptedAssertion', plaintext, spCertPem, opts);

const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;

/** The Response with its (signed) saml:Assertion replaced by the encrypted form. */
export function encryptResponse(responseXml: string, spCertPem: string, opts: EncryptOptions = {}): string {
  const m = ASSERTION.exec(responseXml);
  if (!m) throw new Error('no saml:Assertion in the response');
  return responseXml.replace(m[0], () => encryptedAssertion(m[0], spCertPem, opts));
}
