import { type KeyObject, constants, createDecipheriv, privateDecrypt, randomBytes } from 'node:crypto';
import { type OaepHash, oaepDecode } from './oaep';
import { NS, XmlRejected, type XmlLimits, attr, children, escapeXml, parseUntrustedXml, strictText } from './xml';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';

/** AES-GCM only (authenticated: a changed ciphertext fails its tag), with the key length in bytes. */
const BLOCK = new Map([
  [`${XENC11}aes256-gcm`, 32],
  [`${XENC11}aes128-gcm`, 16],
  [`${XENC11}aes192-gcm`, 24],
]);
const RSA_OAEP_MGF1P = `${XENC}rsa-oaep-mgf1p`;
const RSA_OAEP = `${XENC11}rsa-oaep`;
/**
 * OAEP's digest hashes the (empty) label and MGF1 stretches a seed: neither is a signature, so
 * SHA-1's collision weakness does not apply and SHA-1 stays allowed here (it is the default of
 * both key transports and what most IdPs send), unlike in SignatureMethod/DigestMethod.
 */
const DIGESTS = new Map<string, OaepHash>([
  ['http://www.w3.org/2000/09/xmldsig#sha1', 'sha1'],
  [`${XENC}sha256`, 'sha256'],
]);
const MGFS = new Map<string, OaepHash>([
  [`${XENC11}mgf1sha1`, 'sha1'],
  [`${XENC11}mgf1sha256`, 'sha256'],
]);

/** What the SP metadata offers IdPs, in order of preference. */
export const ENCRYPTION_METHODS = [...BLOCK.keys(), RSA_OAEP, RSA_OAEP_MGF1P];

/** Known and refused on purpose, with the reason an admin can act on. */
function refusedWhy(alg: string): string | null {
  if (alg === `${XENC}rsa-1_5`)
    return 'RSA PKCS#1 v1.5 key transport (rsa-1_5) is refused (Bleichenbacher oracle); configure RSA-OAEP at the IdP';
  if (/(cbc|tripledes)/i.test(alg)) return `CBC block encryption is refused (padding oracle): ${alg}; configure AES-GCM at the IdP`;
  return null;
}

/** The outcome of every cryptographic failure of one kind: no difference between key, padding and tag. */
export const decryptionFailed = (kind: EncryptedKind) => `the ${kind} cannot be decrypted`;
export const DECRYPTION_FAILED = decryptionFailed('EncryptedAssertion');

export type Decrypted = { ok: true; assertion: Element } | { ok: false; message: string };

class Refused extends Error {}
const refuse = (message: string): never => {
  throw new Refused(message);
};

function one(parent: Element, ns: string, name: string, what: string): Element {
  const found = children(parent, ns, name);
  if (found.length !== 1) refuse(`${what} needs exactly one ${name}`);
  return found[0];
}

function optional(parent: Element, ns: string, name: string): Element | null {
  const found = children(parent, ns, name);
  if (found.length > 1) refuse(`more than one ${name}`);
  return found[0] ?? null;
}

function base64(text: string | null, what: string): Buffer {
  const s = (text ?? '').replace(/[\r\n\t ]+/g, '');
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) refuse(`${what} is not base64`);
  return Buffer.from(s, 'base64');
}

/** CipherData/CipherValue; a CipherReference (a URI to fetch) is never followed. */
function cipherValue(el: Element): Buffer {
  const data = one(el, XENC, 'CipherData', el.localName);
  if (children(data, XENC, 'CipherReference').length > 0) refuse('CipherReference is not supported');
  return base64(strictText(one(data, XENC, 'CipherValue', 'CipherData')), 'CipherValue');
}

function algorithmOf(method: Element, allowed: (alg: string) => boolean, what: string): string {
  const alg = attr(method, 'Algorithm') ?? '';
  if (!allowed(alg)) refuse(refusedWhy(alg) ?? `${what} algorithm not allowed: ${alg}`);
  return alg;
}

interface KeyTransport {
  cipher: Buffer;
  hash: OaepHash;
  mgfHash: OaepHash;
  label: Buffer;
}

function keyTransport(ek: Element): KeyTransport {
  const method = one(ek, XENC, 'EncryptionMethod', 'EncryptedKey');
  const alg = algorithmOf(method, (a) => a === RSA_OAEP_MGF1P || a === RSA_OAEP, 'key transport');
  for (const c of children(method)) {
    const known =
      (c.namespaceURI === NS.dsig && c.localName === 'DigestMethod') ||
      (c.namespaceURI === XENC && c.localName === 'OAEPparams') ||
      (c.namespaceURI === XENC11 && c.localName === 'MGF');
    if (!known) refuse(`unexpected ${c.localName} in the key transport EncryptionMethod`);
  }
  const digest = optional(method, NS.dsig, 'DigestMethod');
  const hash = digest ? DIGESTS.get(attr(digest, 'Algorithm') ?? '') : 'sha1';
  if (!hash) refuse(`OAEP DigestMethod not allowed: ${attr(digest as Element, 'Algorithm')}`);
  const mgf = optional(method, XENC11, 'MGF');
  // rsa-oaep-mgf1p fixes MGF1 with SHA-1; only xmlenc11#rsa-oaep names its MGF (default SHA-1).
  if (mgf && alg === RSA_OAEP_MGF1P) refuse('rsa-oaep-mgf1p takes no MGF element');
  const mgfHash = mgf ? MGFS.get(attr(mgf, 'Algorithm') ?? '') : 'sha1';
  if (!mgfHash) refuse(`OAEP MGF not allowed: ${attr(mgf as Element, 'Algorithm')}`);
  const params = optional(method, XENC, 'OAEPparams');
  const label = params ? base64(strictText(params), 'OAEPparams') : Buffer.alloc(0);
  return { cipher: cipherValue(ek), hash: hash as OaepHash, mgfHash: mgfHash as OaepHash, label };
}

/**
 * The one EncryptedKey: inside EncryptedData's KeyInfo (xmlsec1, pysaml2, Shibboleth) or a
 * sibling of EncryptedData in the encrypted element (SAML core §2.3.4; ADFS, Okta), then named
 * by a RetrievalMethod when there is one. Several (multi-recipient) keys are refused.
 */
function encryptedKey(ea: Element, data: Element): Element {
  const keyInfo = optional(data, NS.dsig, 'KeyInfo');
  const inner = keyInfo ? children(keyInfo, XENC, 'EncryptedKey') : [];
  const siblings = children(ea, XENC, 'EncryptedKey');
  const keys = [...inner, ...siblings];
  if (keys.length !== 1) refuse(`exactly one EncryptedKey is required, found ${keys.length}`);
  const retrieval = keyInfo ? optional(keyInfo, NS.dsig, 'RetrievalMethod') : null;
  if (retrieval) {
    const type = attr(retrieval, 'Type');
    if (type !== null && type !== `${XENC}EncryptedKey`) refuse(`RetrievalMethod of type ${type} is not supported`);
    if (children(retrieval).length > 0) refuse('RetrievalMethod transforms are not supported');
    const id = attr(keys[0], 'Id');
    if (inner.length > 0 || !id || attr(retrieval, 'URI') !== `#${id}`) refuse('RetrievalMethod does not name the EncryptedKey');
  }
  return keys[0];
}

/** Raw RSA, then OAEP; any failure yields a random key, so it ends as a GCM tag failure. */
function unwrapKey(t: KeyTransport, key: KeyObject, length: number): Buffer {
  try {
    const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, t.cipher);
    const cek = oaepDecode(em, t.label, t.hash, t.mgfHash);
    if (cek !== null && cek.length === length) return cek;
  } catch {
    // wrong length or a value not below the modulus: same outcome as a padding failure
  }
  return randomBytes(length);
}

/** XML Enc 1.1 §5.2.4: 12-byte IV, then the ciphertext, then a 16-byte tag. */
function gcmDecrypt(cek: Buffer, data: Buffer): Buffer | null {
  if (data.length < 12 + 16) return null;
  try {
    const d = createDecipheriv(`aes-${cek.length * 8}-gcm` as 'aes-256-gcm', cek, data.subarray(0, 12), { authTagLength: 16 });
    d.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

/** Namespace declarations in scope at `el` (nearest wins), as attribute text. */
function inScopeDeclarations(el: Element): Map<string, string> {
  const decls = new Map<string, string>();
  for (let n: Node | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const attrs = (n as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i];
      if ((a.name === 'xmlns' || a.name.startsWith('xmlns:')) && !decls.has(a.name)) decls.set(a.name, a.value);
    }
  }
  return decls;
}

/**
 * The three encrypted elements of SAML core (§2.2.4, §2.3.4, §2.7.3.2) and the one element each
 * may hold. An EncryptedID may by the schema also hold a BaseID or another EncryptedID: refused.
 */
export type EncryptedKind = 'EncryptedAssertion' | 'EncryptedID' | 'EncryptedAttribute';
const CONTENT: Record<EncryptedKind, string> = { EncryptedAssertion: 'Assertion', EncryptedID: 'NameID', EncryptedAttribute: 'Attribute' };

/**
 * The plaintext is untrusted (anyone can encrypt to our public key): the same strict parser and
 * limits as the Response, inside a wrapper that declares the namespaces in scope where the
 * EncryptedData stood (XML Enc §4.5). Those declarations are then put on the decrypted element itself,
 * so it keeps them wherever it is serialized. Reached only after a valid GCM tag, so these
 * distinct messages tell an attacker nothing about plaintext they did not choose.
 */
function parsePlaintext(plain: Buffer, ea: Element, kind: EncryptedKind, limits: XmlLimits): Element {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return refuse('decrypted content is not UTF-8');
  }
  const decls = inScopeDeclarations(ea);
  const wrapperAttrs = [...decls].map(([n, v]) => ` ${n}="${escapeXml(v)}"`).join('');
  let wrapper: Element;
  try {
    wrapper = parseUntrustedXml(`<decrypted${wrapperAttrs}>${text}</decrypted>`, {
      ...limits,
      maxDepth: limits.maxDepth + 1,
    }).documentElement;
  } catch (e) {
    if (e instanceof XmlRejected) refuse(`decrypted content: ${e.message}`);
    throw e;
  }
  const nodes = Array.from({ length: wrapper.childNodes.length }, (_, i) => wrapper.childNodes[i]);
  const stray = nodes.some((n) => n.nodeType !== 1 && !(n.nodeType === 3 && /^\s*$/.test(n.nodeValue ?? '')));
  const elements = children(wrapper);
  const content = CONTENT[kind];
  if (stray || elements.length !== 1 || elements[0].namespaceURI !== NS.assertion || elements[0].localName !== content) {
    refuse(`decrypted content is not a single saml:${content}`);
  }
  const element = elements[0];
  for (const [n, v] of decls) if (!element.hasAttribute(n)) element.setAttributeNS('http://www.w3.org/2000/xmlns/', n, v);
  return element;
}

export type DecryptedElement = { ok: true; element: Element } | { ok: false; message: string };

/**
 * Decrypts one saml:EncryptedAssertion, EncryptedID or EncryptedAttribute with the SP's RSA key.
 * Structure and algorithms are checked before any cryptography (allow-list: RSA-OAEP key
 * transport, AES-GCM content; RSA-1.5 and every CBC mode refused); every cryptographic failure
 * gives `decryptionFailed(kind)`.
 */
export function decryptElement(container: Element, kind: EncryptedKind, key: KeyObject, limits: XmlLimits): DecryptedElement {
  try {
    for (const c of children(container)) {
      if (c.namespaceURI !== XENC || (c.localName !== 'EncryptedData' && c.localName !== 'EncryptedKey'))
        refuse(`unexpected ${c.localName} in ${kind}`);
    }
    const data = one(container, XENC, 'EncryptedData', kind);
    const type = attr(data, 'Type');
    if (type !== null && type !== `${XENC}Element`) refuse(`EncryptedData of type ${type} is not supported`);
    const blockAlg = algorithmOf(one(data, XENC, 'EncryptionMethod', 'EncryptedData'), (a) => BLOCK.has(a), 'block encryption');
    const transport = keyTransport(encryptedKey(container, data));
    const ciphertext = cipherValue(data);
    const plain = gcmDecrypt(unwrapKey(transport, key, BLOCK.get(blockAlg) as number), ciphertext);
    if (plain === null) return { ok: false, message: decryptionFailed(kind) };
    return { ok: true, element: parsePlaintext(plain, container, kind, limits) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, message: e.message };
    throw e;
  }
}

/** Decrypts one saml:EncryptedAssertion (decryptElement). */
export function decryptAssertion(ea: Element, key: KeyObject, limits: XmlLimits): Decrypted {
  const d = decryptElement(ea, 'EncryptedAssertion', key, limits);
  return d.ok ? { ok: true, assertion: d.element } : d;
}
