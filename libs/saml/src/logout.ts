import { type KeyObject, createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { subjectNameId } from './assertion-parts';
import { newRequestId } from './authn-request';
import { RSA_SHA256, signEnveloped } from './bindings';
import { certFromKeyInfo, pemOf } from './idp-metadata';
import { type NameId, nameIdXml } from './name-id';
import { verifiedSignedXml } from './signature';
import { NS, XmlRejected, attr, child, children, descendants, escapeXml, parseUntrustedXml, strictText } from './xml';

/**
 * SAML Single Logout (SAML Profiles §4.4) on the SP side: the LogoutRequest we send and the
 * LogoutResponse we answer with, in the HTTP-Redirect or HTTP-POST binding, and the checks on
 * what an IdP sends us. Every message we send names the same Issuer as our AuthnRequests for
 * that IdP (the SP entity id): IdPs such as Entra refuse a logout whose Issuer differs.
 */

export const SLO_STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
} as const;

export type SloBinding = 'HTTP-Redirect' | 'HTTP-POST';

/** Where an IdP takes logout messages (its metadata's SingleLogoutService). */
export interface SloEndpoint {
  binding: SloBinding;
  location: string;
  /** Where responses go when it differs from `location`. */
  responseLocation: string | null;
}

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const QUERY_ALGORITHMS: Record<string, string> = { [RSA_SHA256]: 'RSA-SHA256', [RSA_SHA512]: 'RSA-SHA512' };
const XML_ALGORITHMS = new Set([
  RSA_SHA256,
  RSA_SHA512,
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
]);
const SHA1_ALGORITHMS = new Set([RSA_SHA1, 'http://www.w3.org/2000/09/xmldsig#sha1']);
export const LOGOUT_LIMITS = { maxBytes: 64 * 1024, maxDepth: 24, maxElements: 500 };

export function buildLogoutRequest(p: { issuer: string; destination: string; nameId: NameId; now: Date; id?: string }): {
  id: string;
  xml: string;
} {
  const id = p.id ?? newRequestId(p.now);
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="${id}" Version="2.0" IssueInstant="${p.now.toISOString()}" Destination="${escapeXml(p.destination)}" NotOnOrAfter="${new Date(p.now.getTime() + 5 * 60_000).toISOString()}">` +
    `<saml:Issuer>${escapeXml(p.issuer)}</saml:Issuer>` +
    nameIdXml(p.nameId) +
    '</samlp:LogoutRequest>';
  return { id, xml };
}

export function buildLogoutResponse(p: {
  issuer: string;
  destination: string;
  inResponseTo: string;
  status: string;
  message?: string;
  now: Date;
}): { id: string; xml: string } {
  const id = newRequestId(p.now);
  const message = p.message ? `<samlp:StatusMessage>${escapeXml(p.message)}</samlp:StatusMessage>` : '';
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="${id}" Version="2.0" IssueInstant="${p.now.toISOString()}" Destination="${escapeXml(p.destination)}" InResponseTo="${escapeXml(p.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(p.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${p.status}"/>${message}</samlp:Status>` +
    '</samlp:LogoutResponse>';
  return { id, xml };
}

/** An enveloped XML signature right after the Issuer: the HTTP-POST binding's (bindings.ts). */
export const signLogoutMessage = signEnveloped;

/** A logout message as it arrived, before any check. */
export interface ReceivedLogoutMessage {
  binding: SloBinding;
  field: 'SAMLRequest' | 'SAMLResponse';
  xml: string;
  relayState: string | null;
  /** Redirect: the signed octets and the query signature, when present. */
  query?: { signed: string; sigAlg: string; signature: string } | null;
}

export class LogoutRejected extends Error {}
const reject = (why: string): never => {
  throw new LogoutRejected(why);
};

/** One raw query parameter, as its octets appear in the URL (the signature covers those, not decoded text). */
function rawParam(rawQuery: string, name: string): string | null {
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if ((eq === -1 ? part : part.slice(0, eq)) === name) return eq === -1 ? '' : part.slice(eq + 1);
  }
  return null;
}

const decodeParam = (v: string) => {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return reject('query parameter is not valid percent-encoding');
  }
};

function base64(text: string, what: string): Buffer {
  const s = text.replace(/[\r\n\t ]+/g, '');
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) reject(`${what} is not base64`);
  return Buffer.from(s, 'base64');
}

const utf8 = (b: Buffer, what: string) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return reject(`${what} is not UTF-8`);
  }
};

/** A message in the HTTP-Redirect binding, read from the raw query string (`a=b&c=d`, no `?`). */
export function readRedirectMessage(rawQuery: string): ReceivedLogoutMessage {
  const req = rawParam(rawQuery, 'SAMLRequest');
  const res = rawParam(rawQuery, 'SAMLResponse');
  if ((req === null) === (res === null)) reject('exactly one of SAMLRequest and SAMLResponse is required');
  const field = req !== null ? 'SAMLRequest' : 'SAMLResponse';
  const value = (req ?? res) as string;
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(base64(decodeParam(value), field), { maxOutputLength: LOGOUT_LIMITS.maxBytes });
  } catch (e) {
    if (e instanceof LogoutRejected) throw e;
    return reject(`${field} is not DEFLATE-compressed or too large`);
  }
  const relayRaw = rawParam(rawQuery, 'RelayState');
  const sigAlg = rawParam(rawQuery, 'SigAlg');
  const signature = rawParam(rawQuery, 'Signature');
  let query: ReceivedLogoutMessage['query'] = null;
  if (sigAlg !== null || signature !== null) {
    if (sigAlg === null || signature === null) reject('SigAlg and Signature go together');
    // SAML Bindings §3.4.4.1: the signed octets are field, RelayState (if present) and SigAlg, in that order.
    const signed = [`${field}=${value}`, relayRaw !== null ? `RelayState=${relayRaw}` : null, `SigAlg=${sigAlg}`].filter(Boolean).join('&');
    query = { signed, sigAlg: decodeParam(sigAlg as string), signature: decodeParam(signature as string) };
  }
  return {
    binding: 'HTTP-Redirect',
    field,
    xml: utf8(inflated, field),
    relayState: relayRaw === null ? null : decodeParam(relayRaw),
    query,
  };
}

/** A message in the HTTP-POST binding (form fields). */
export function readPostMessage(form: Record<string, unknown>): ReceivedLogoutMessage {
  const req = typeof form['SAMLRequest'] === 'string' ? form['SAMLRequest'] : null;
  const res = typeof form['SAMLResponse'] === 'string' ? form['SAMLResponse'] : null;
  if ((req === null) === (res === null)) reject('exactly one of SAMLRequest and SAMLResponse is required');
  const field = req !== null ? 'SAMLRequest' : 'SAMLResponse';
  const bytes = base64((req ?? res) as string, field);
  if (bytes.length > LOGOUT_LIMITS.maxBytes) reject(`${field} is too large`);
  return {
    binding: 'HTTP-POST',
    field,
    xml: utf8(bytes, field),
    relayState: typeof form['RelayState'] === 'string' ? form['RelayState'] : null,
  };
}

/** The IdP as the logout checks need it. */
export interface LogoutIdp {
  issuer: string;
  /** `<ds:KeyInfo>` strings, as stored. */
  certs: string[];
  allowSha1?: boolean;
}

export interface LogoutSettings {
  /** Our SP entity id for this IdP: the expected Issuer of nothing, but our own Issuer; logged. */
  spEntityId: string;
  /** Our SLO endpoint: the expected Destination. */
  sloUrl: string;
  clockSkewSeconds: number;
  /** The oldest a logout message may be. */
  maxAgeSeconds: number;
  now: Date;
  decryptionKey?: KeyObject;
}

export interface CheckedLogoutRequest {
  kind: 'request';
  id: string;
  nameId: NameId;
  /** Seconds the request stays acceptable: how long its ID must stay in the replay cache. */
  ttlSeconds: number;
}

export interface CheckedLogoutResponse {
  kind: 'response';
  id: string;
  inResponseTo: string | null;
  status: string;
}

function time(el: Element, name: string, required: boolean): Date | null {
  const v = attr(el, name);
  if (v === null) return required ? reject(`${el.localName} needs ${name}`) : null;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) reject(`${name} must be an xs:dateTime in UTC`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) reject(`${name} is not a time`);
  return d;
}

/**
 * The signature of a logout message, required: on the Redirect binding the query signature
 * (SigAlg RSA-SHA256/512; SHA-1 only for an IdP that allows it), on POST an enveloped XML
 * signature on the message itself, verified (signature.ts) with the IdP's certificates only.
 * Returns the document to read: on POST only the signed bytes.
 */
function verifiedRoot(msg: ReceivedLogoutMessage, doc: Document, idp: LogoutIdp): Element {
  const root = doc.documentElement;
  const certs = [...new Set(idp.certs.map(certFromKeyInfo))].map(pemOf);
  if (msg.binding === 'HTTP-Redirect') {
    if (!msg.query) return reject('the logout message is not signed');
    const alg = QUERY_ALGORITHMS[msg.query.sigAlg] ?? (idp.allowSha1 && msg.query.sigAlg === RSA_SHA1 ? 'RSA-SHA1' : null);
    if (!alg) return reject(`SigAlg not allowed: ${msg.query.sigAlg}`);
    const signature = base64(msg.query.signature, 'Signature');
    const ok = certs.some((pem) => createVerify(alg).update(msg.query!.signed, 'utf8').verify(pem, signature));
    if (!ok) reject('the query signature does not verify with a key of the IdP');
    return root;
  }
  if (children(root, NS.dsig, 'Signature').length !== 1) reject('the logout message is not signed');
  for (const tag of ['SignatureMethod', 'DigestMethod', 'CanonicalizationMethod', 'Transform']) {
    for (const el of descendants(root, NS.dsig, tag)) {
      // An EncryptedID's OAEP DigestMethod (an xenc:EncryptionMethod child) is an encryption
      // parameter, judged by decrypt.ts's allow-list, as at the ACS (response.ts).
      if (tag === 'DigestMethod' && (el.parentNode as Element | null)?.namespaceURI === XENC) continue;
      const a = attr(el, 'Algorithm') ?? '';
      if (!XML_ALGORITHMS.has(a) && !(idp.allowSha1 && SHA1_ALGORITHMS.has(a))) reject(`Algorithm not allowed: ${tag} ${a}`);
    }
  }
  let signed: string | null;
  try {
    signed = verifiedSignedXml(msg.xml, root, certs);
  } catch (e) {
    return reject(`invalid signature: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (signed === null) reject('the signature does not verify with a key of the IdP');
  try {
    return parseUntrustedXml(signed as string, LOGOUT_LIMITS).documentElement;
  } catch {
    return reject('the signed message does not parse');
  }
}

/** The message's Issuer, which names the IdP, read before the signature is checked (to choose the keys). */
export function logoutIssuer(msg: ReceivedLogoutMessage): { doc: Document; issuer: string; localName: string } {
  let doc: Document;
  try {
    doc = parseUntrustedXml(msg.xml, LOGOUT_LIMITS);
  } catch (e) {
    if (e instanceof XmlRejected) return reject(`XML: ${e.message}`);
    throw e;
  }
  const root = doc.documentElement;
  const expected = msg.field === 'SAMLRequest' ? 'LogoutRequest' : 'LogoutResponse';
  if (root.namespaceURI !== PROTOCOL || root.localName !== expected) reject(`${msg.field} must be a samlp:${expected}`);
  const issuer = child(root, ASSERTION, 'Issuer');
  const text = issuer ? strictText(issuer) : null;
  if (!text) return reject(`${expected} needs an Issuer`);
  return { doc, issuer: text, localName: expected };
}

/** Checks shared by both message kinds: signature, Version, ID, IssueInstant window, Destination, Issuer. */
function checkCommon(msg: ReceivedLogoutMessage, doc: Document, idp: LogoutIdp, s: LogoutSettings): { root: Element; id: string } {
  const root = verifiedRoot(msg, doc, idp);
  const id = attr(root, 'ID');
  if (!id || attr(root, 'Version') !== '2.0') reject('the message needs Version 2.0 and an ID');
  const issuer = child(root, ASSERTION, 'Issuer');
  if (!issuer || strictText(issuer) !== idp.issuer) reject('the signed Issuer is not the IdP');
  const skew = s.clockSkewSeconds * 1000;
  const instant = time(root, 'IssueInstant', true) as Date;
  if (instant.getTime() > s.now.getTime() + skew) reject('IssueInstant is in the future');
  if (instant.getTime() < s.now.getTime() - s.maxAgeSeconds * 1000 - skew) reject(`IssueInstant is more than ${s.maxAgeSeconds}s old`);
  const destination = attr(root, 'Destination');
  // Required on signed messages (SAML Bindings §3.4.5.2, §3.5.5.2); all of ours are signed.
  if (destination !== s.sloUrl) reject(`Destination must be ${s.sloUrl}`);
  return { root, id: id as string };
}

/**
 * An IdP's LogoutRequest: signed by the IdP, fresh (IssueInstant within `maxAgeSeconds`,
 * NotOnOrAfter not passed), addressed to our SLO endpoint, naming one NameID (an EncryptedID is
 * decrypted with the SP key). The caller claims the ID in the replay cache before acting on it.
 */
export function checkLogoutRequest(msg: ReceivedLogoutMessage, doc: Document, idp: LogoutIdp, s: LogoutSettings): CheckedLogoutRequest {
  const { root, id } = checkCommon(msg, doc, idp, s);
  const skew = s.clockSkewSeconds * 1000;
  const end = time(root, 'NotOnOrAfter', false);
  if (end && end.getTime() <= s.now.getTime() - skew) reject('the LogoutRequest has expired (NotOnOrAfter)');
  const instant = time(root, 'IssueInstant', true) as Date;
  const until = Math.min(end ? end.getTime() : Number.POSITIVE_INFINITY, instant.getTime() + s.maxAgeSeconds * 1000);
  const named = subjectNameId(root, s.decryptionKey, LOGOUT_LIMITS);
  if (!named.ok) return reject(named.message.replace('Assertion needs a Subject with', 'a LogoutRequest needs'));
  const value = strictText(named.value);
  if (value === null || value.trim() === '') return reject('the NameID must be plain text');
  return {
    kind: 'request',
    id,
    nameId: {
      value,
      format: attr(named.value, 'Format') ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      nameQualifier: attr(named.value, 'NameQualifier'),
      spNameQualifier: attr(named.value, 'SPNameQualifier'),
    },
    ttlSeconds: Math.max(1, Math.ceil((until + skew - s.now.getTime()) / 1000)),
  };
}

/** An IdP's LogoutResponse to our LogoutRequest: signed, fresh, addressed to us; its status. */
export function checkLogoutResponse(msg: ReceivedLogoutMessage, doc: Document, idp: LogoutIdp, s: LogoutSettings): CheckedLogoutResponse {
  const { root, id } = checkCommon(msg, doc, idp, s);
  const status = child(root, PROTOCOL, 'Status');
  const code = status ? child(status, PROTOCOL, 'StatusCode') : null;
  const value = code ? attr(code, 'Value') : null;
  if (!value) reject('the LogoutResponse needs a StatusCode');
  return { kind: 'response', id, inResponseTo: attr(root, 'InResponseTo'), status: value as string };
}

/** The script of the auto-POST page; its hash is what the page's CSP allows to run. */
export const LOGOUT_POST_SCRIPT = 'document.forms[0].submit()';

/** The auto-POST page of the HTTP-POST binding for a logout message, and its CSP's form target. */
export function logoutPostForm(
  location: string,
  field: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState?: string,
): { html: string; formOrigin: string } {
  let formOrigin = "'none'";
  try {
    const o = new URL(location).origin;
    if (o !== 'null') formOrigin = o;
  } catch {
    // stored locations parse; 'none' keeps the page inert if one does not
  }
  const value = Buffer.from(xml, 'utf8').toString('base64');
  const relay = relayState === undefined ? '' : `<input name="RelayState" type="hidden" value="${escapeXml(relayState)}">`;
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out</title></head><body>' +
    '<noscript><p>Your browser does not run JavaScript; press the button to continue.</p></noscript>' +
    `<form action="${escapeXml(location)}" method="post"><input name="${field}" type="hidden" value="${value}">${relay}` +
    '<noscript><button type="submit">Continue</button></noscript></form>' +
    `<script>${LOGOUT_POST_SCRIPT}</script></body></html>`;
  return { html, formOrigin };
}
