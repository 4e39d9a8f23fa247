import { type KeyObject, createPublicKey } from 'node:crypto';
import type { ErrorCode } from '@sso/domain';
import { requestIssuedAt } from './authn-request';
import { type SamlAttribute, assertionAttributes, subjectNameId } from './assertion-parts';
import { openResponse } from './encrypted-response';
import { type VerificationKeys, verifiedSignedXml } from './signature';
import { type NameId, NAMEID_FORMATS, nameIdProblem } from './name-id';
import { certFromKeyInfo, pemOf } from './idp-metadata';
import { NS, XmlRejected, attr, child, children, descendants, parseUntrustedXml, strictText } from './xml';

/** The IdP as the ACS needs it (looked up by the caller, per team or instance-wide). */
export interface LoginIdp {
  id: string;
  issuer: string;
  /** `<ds:KeyInfo>` strings, as stored. */
  certs: string[];
  /** RSA-SHA1 / SHA-1 digests are refused unless the IdP opts in. */
  allowSha1?: boolean;
}

/** What the validator needs from storage: narrow, so this lib stays free of persistence. */
export interface ResponsePorts {
  /** The IdP for the Response's issuer; throws a DomainError (not-found, idp-non-unique) when none fits. */
  findIdp(issuer: string): Promise<LoginIdp>;
  /** One-time use of an issued AuthnRequest by the IdP it was sent to, atomically. */
  consumeRequest(id: string, idpIssuer: string): Promise<'consumed' | 'other-idp' | 'unknown'>;
  /** Whether the IdP opted in to IdP-initiated login; asked only for a response without InResponseTo. */
  allowsIdpInitiated(idp: LoginIdp): Promise<boolean>;
  /** Insert-if-absent into the replay cache; false when the assertion id was seen. */
  claimAssertion(id: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Told once the response has passed every check, just before the two one-time claims run: the
   * ACS starts there the reads a granted login needs (they change nothing), so they travel to the
   * database with the claims instead of after them. Not called when a check refuses.
   */
  checked?(login: { requestId: string | null; idp: LoginIdp; nameId: NameId }): void;
}

export interface ResponseSettings {
  /** The SP entity id = ACS URL = expected Audience, Recipient and Destination. */
  spEntityId: string;
  clockSkewSeconds: number;
  /** Lifetime of an AuthnRequest: a response answering none (IdP-initiated) may be no older. */
  maxttlAuthreq: number;
  /** Also the oldest a response may be, whatever it answers. */
  maxttlAuthresp: number;
  now: Date;
  /** The SP's RSA private key: an EncryptedAssertion, EncryptedID or EncryptedAttribute is decrypted with it; without, refused. */
  decryptionKey?: KeyObject;
}

export type ResponseOutcome =
  /** Rendered as an HTML error page; its status is the code's. */
  | { kind: 'error'; code: ErrorCode; message: string }
  /** No InResponseTo in the signed assertion, from an IdP not opted in: spar redirects to initiate-login. */
  | { kind: 'unsolicited'; idp: LoginIdp }
  /** Judged and denied; `requestId` (possibly from unsigned data) only picks the rendering. */
  | { kind: 'denied'; requestId: string | null; reasons: string[] }
  /** `requestId` null: an IdP-initiated login of an IdP that opted in (every other check ran). */
  | {
      kind: 'granted';
      requestId: string | null;
      idp: LoginIdp;
      issuer: string;
      nameId: NameId;
      assertionId: string;
      /** The assertion's attributes, encrypted ones decrypted; the login itself reads none of them. */
      attributes: SamlAttribute[];
    };

export const RESPONSE_LIMITS = { maxBytes: 512 * 1024, maxDepth: 48, maxElements: 5_000 };

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const ALLOWED_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
]);
const SHA1_ALGORITHMS = new Set(['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1']);
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
const AUTHN_CONTEXTS = ['AuthnContextClassRef', 'AuthnContextDecl', 'AuthnContextDeclRef'];

const error = (code: ErrorCode, message: string): ResponseOutcome => ({ kind: 'error', code, message });

/** Strict base64 of the POST binding (whitespace from form encoders is the only noise allowed). */
export function decodeSamlResponse(field: string): { base64: string; xml: string } | null {
  const base64 = field.replace(/[\r\n\t ]+/g, '');
  if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  try {
    return { base64, xml: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64')) };
  } catch {
    return null;
  }
}

const ISSUER_FORMAT = 'Issuer Format must be omitted or be the entity format (SAML profiles §4.1.4.2)';
const entityFormat = (issuer: Element) => {
  const f = attr(issuer, 'Format');
  return f === null || f === ENTITY;
};

function time(el: Element, name: string): Date | null | 'bad' {
  const v = attr(el, name);
  if (v === null) return null;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) return 'bad';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? 'bad' : d;
}

const KEY_CACHE_SIZE = 1000;
const keyCache = new Map<string, VerificationKeys>();

/**
 * The IdP's certificates as parsed public keys, de-duplicated (spar's "exactly one verifies" rule
 * breaks on duplicates) and cached per key set, so no login parses a certificate: xml-crypto hands
 * its `publicCert` straight to `crypto.verify`, which would otherwise parse the PEM every time.
 */
function keysOf(keyInfos: string[]): VerificationKeys {
  const id = keyInfos.join('\n');
  const hit = keyCache.get(id);
  if (hit) return hit;
  const keys = [...new Set(keyInfos.map(certFromKeyInfo))].map((cert) => createPublicKey(pemOf(cert)));
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(id, keys);
  return keys;
}

/**
 * The ACS check: every rule of docs/saml-checks.md §1 in one place, on top of the signature
 * verification of signature.ts (node-saml's rules on xml-crypto: configured certificates only, one
 * Reference to the signature's parent, unique ID, at most two transforms, and only the signed bytes
 * handed back). The Response is parsed once, strictly, before any crypto (structure, DOCTYPE, size,
 * algorithm checks) and that DOM is what is verified; node-saml's `validatePostResponseAsync` would
 * parse it again and build an xml2js profile for checks this function makes itself, stricter.
 * Every post-check reads only the signed assertion bytes; time windows run before the request is
 * consumed and before the replay cache (an expired assertion is denied as expired, not as a
 * replay).
 */
export async function validateResponse(field: string, settings: ResponseSettings, ports: ResponsePorts): Promise<ResponseOutcome> {
  const decoded = decodeSamlResponse(field);
  if (!decoded) return error('bad-response-encoding', 'Bad response: base64 error: SAMLResponse is not base64-encoded UTF-8');
  let doc: Document;
  try {
    doc = parseUntrustedXml(decoded.xml, RESPONSE_LIMITS);
  } catch (e) {
    if (e instanceof XmlRejected) return error('bad-response-xml', `Bad response: XML parse error: ${e.message}`);
    throw e;
  }
  const received = doc.documentElement;
  if (received.namespaceURI !== NS.protocol || received.localName !== 'Response')
    return error('bad-response-saml', 'root element must be samlp:Response');
  if (attr(received, 'Version') !== '2.0' || !attr(received, 'ID'))
    return error('bad-response-saml', 'Response needs Version 2.0 and an ID');
  const responseInstant = time(received, 'IssueInstant');
  if (!(responseInstant instanceof Date))
    return error('bad-response-saml', 'Response needs an IssueInstant in UTC (xs:dateTime ending in Z)');
  // An EncryptedAssertion is decrypted and put in place (encrypted-response.ts): all below runs unchanged.
  const opened = openResponse(doc, decoded.xml, settings.decryptionKey, RESPONSE_LIMITS);
  if ('error' in opened) return error('bad-response-saml', opened.error);
  const root = opened.root;
  const assertions = children(root, NS.assertion, 'Assertion');
  const unsignedRequestId = attr(root, 'InResponseTo');

  // Issuer consistency (spar: missing → 400; differing → 403).
  const issuers = [child(root, NS.assertion, 'Issuer'), ...assertions.map((a) => child(a, NS.assertion, 'Issuer'))];
  if (issuers.some((i) => i === null)) return error('bad-response-saml', 'Response and every Assertion need an Issuer');
  if (issuers.some((i) => i && !entityFormat(i))) return error('bad-response-saml', ISSUER_FORMAT);
  const issuerTexts = issuers.map((i) => (i ? strictText(i) : null));
  if (issuerTexts.some((t) => t === null || t.trim() === '')) return error('bad-response-saml', 'Issuer must be plain text');
  const issuer = issuerTexts[0] as string;
  if (issuerTexts.some((t) => t !== issuer)) return error('bad-response-issuer', 'Issuers of Response and Assertions differ');

  const idp = await ports.findIdp(issuer);

  // Signature algorithms only: the encryption ones went with the EncryptedAssertion and were
  // allow-listed by decrypt.ts before any cryptography (OAEP's SHA-1 never counts as a signature digest).
  // An EncryptedID or EncryptedAttribute is still encrypted here: its key transport's OAEP DigestMethod
  // (an xenc:EncryptionMethod child) is decrypt.ts's to judge, as for an EncryptedAssertion.
  for (const tag of ['SignatureMethod', 'DigestMethod', 'CanonicalizationMethod', 'Transform']) {
    for (const el of descendants(root, NS.dsig, tag)) {
      if ((el.parentNode as Element | null)?.namespaceURI === XENC) continue;
      const alg = attr(el, 'Algorithm') ?? '';
      if (!ALLOWED_ALGORITHMS.has(alg) && !(idp.allowSha1 && SHA1_ALGORITHMS.has(alg))) {
        return error('bad-response-signature', `Algorithm not allowed: ${tag} ${alg}`);
      }
    }
  }

  const reasons: string[] = [];
  const destination = attr(root, 'Destination');
  if (destination !== null && destination !== settings.spEntityId) reasons.push(`Destination mismatch: ${destination}`);
  if (destination === null && child(root, NS.dsig, 'Signature')) reasons.push('a signed Response needs a Destination');
  const statusCode = child(root, NS.protocol, 'Status');
  const code = statusCode ? child(statusCode, NS.protocol, 'StatusCode') : null;
  if (!code || attr(code, 'Value') !== SUCCESS) reasons.push(`status: failure (${code ? attr(code, 'Value') : 'missing'})`);

  const skewMs = settings.clockSkewSeconds * 1000;
  const now = settings.now.getTime();
  const keys = keysOf(idp.certs);
  if (!opened.responseSignatureHolds(keys))
    return error('bad-response-signature', 'Invalid signature: the Response signature does not verify');
  if (assertions.length === 0) {
    // A Success without an assertion is malformed: spar's 400. A failure Response (the user
    // cancelled, the IdP refused) usually carries none: denied with its status, so the client
    // gets its AUTH_ERROR or error redirect instead of a page it cannot read.
    if (code && attr(code, 'Value') === SUCCESS) return error('bad-response-saml', 'Bad response: no assertions in AuthnResponse');
    return { kind: 'denied', requestId: unsignedRequestId, reasons: ['no assertion in the response', ...reasons] };
  }
  if (assertions.length > 1) return error('bad-response-signature', 'Invalid signature: multiple assertions');
  let signedXml: string | null;
  try {
    signedXml = verifiedSignedXml(opened.xml, assertions[0], keys);
  } catch (e) {
    return error('bad-response-signature', `Invalid signature: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (signedXml === null) return error('bad-response-signature', 'Invalid signature: the Assertion is not signed with a key of the IdP');

  // From here on, only the signed bytes.
  let a: Element;
  try {
    a = parseUntrustedXml(signedXml, RESPONSE_LIMITS).documentElement;
  } catch {
    return error('bad-response-signature', 'signed assertion does not parse');
  }
  if (a.namespaceURI !== NS.assertion || a.localName !== 'Assertion')
    return error('bad-response-signature', 'signed element is not an Assertion');
  const assertionId = attr(a, 'ID');
  if (!assertionId || attr(a, 'Version') !== '2.0') return error('bad-response-saml', 'Assertion needs Version 2.0 and an ID');
  const aIssuer = child(a, NS.assertion, 'Issuer');
  if (!aIssuer || strictText(aIssuer) !== idp.issuer) return error('bad-response-issuer', 'signed Issuer is not the IdP');
  if (!entityFormat(aIssuer)) return error('bad-response-saml', ISSUER_FORMAT);
  const assertionInstant = time(a, 'IssueInstant');
  if (!(assertionInstant instanceof Date))
    return error('bad-response-saml', 'Assertion needs an IssueInstant in UTC (xs:dateTime ending in Z)');
  const authn = children(a, NS.assertion, 'AuthnStatement');
  for (const s of authn) {
    if (!(time(s, 'AuthnInstant') instanceof Date)) return error('bad-response-saml', 'AuthnStatement needs an AuthnInstant in UTC');
    const context = child(s, NS.assertion, 'AuthnContext');
    if (!context || !AUTHN_CONTEXTS.some((n) => child(context, NS.assertion, n))) {
      return error('bad-response-saml', 'AuthnStatement needs an AuthnContext with a class reference or a declaration');
    }
  }

  const past = (d: Date | null | 'bad', what: string) => {
    if (d === 'bad') reasons.push(`${what}: bad time`);
    else if (d && d.getTime() > now + skewMs) reasons.push(`${what} is in the future`);
  };
  const future = (d: Date | null | 'bad', what: string, required: boolean) => {
    if (d === 'bad' || (d === null && required)) reasons.push(`${what}: missing or bad time`);
    else if (d && d.getTime() <= now - skewMs) reasons.push(`${what}: expired`);
  };
  past(assertionInstant, 'Assertion IssueInstant');
  past(responseInstant, 'Response IssueInstant');

  // Subject: NameID (an EncryptedID decrypted) and bearer confirmations with Recipient, times and InResponseTo.
  const subject = child(a, NS.assertion, 'Subject');
  if (!subject) return error('bad-response-saml', 'Assertion needs a Subject with a plain NameID');
  const subjectId = subjectNameId(subject, settings.decryptionKey, RESPONSE_LIMITS);
  if (!subjectId.ok) return error('bad-response-saml', subjectId.message);
  const nameIdEl = subjectId.value;
  const nameText = strictText(nameIdEl);
  if (nameText === null) return error('bad-response-saml', 'Assertion needs a Subject with a plain NameID');
  const nameId: NameId = {
    value: nameText,
    format: attr(nameIdEl, 'Format') ?? NAMEID_FORMATS.unspecified,
    nameQualifier: attr(nameIdEl, 'NameQualifier'),
    spNameQualifier: attr(nameIdEl, 'SPNameQualifier'),
  };
  const problem = nameIdProblem(nameId);
  if (problem) reasons.push(problem);

  const confirmations = children(subject, NS.assertion, 'SubjectConfirmation');
  if (confirmations.length === 0) reasons.push('no SubjectConfirmation');
  const requestIds = new Set<string>();
  let lastEnd = 0;
  for (const sc of confirmations) {
    if (attr(sc, 'Method') !== BEARER) reasons.push(`SubjectConfirmation method is not bearer: ${attr(sc, 'Method')}`);
    const scd = child(sc, NS.assertion, 'SubjectConfirmationData');
    if (!scd) {
      reasons.push('bearer confirmation without SubjectConfirmationData');
      continue;
    }
    if (attr(scd, 'Recipient') !== settings.spEntityId) reasons.push(`Recipient mismatch: ${attr(scd, 'Recipient')}`);
    const nb = time(scd, 'NotBefore');
    if (nb === 'bad' || (nb && nb.getTime() > now + skewMs)) reasons.push('SubjectConfirmationData not yet valid');
    const end = time(scd, 'NotOnOrAfter');
    future(end, 'SubjectConfirmationData NotOnOrAfter', true);
    if (end instanceof Date) lastEnd = Math.max(lastEnd, end.getTime());
    const irt = attr(scd, 'InResponseTo');
    if (irt) requestIds.add(irt);
  }
  if (requestIds.size > 1) return error('server-error-unsupported-saml', 'several InResponseTo values in one assertion');
  const requestId = requestIds.size === 1 ? [...requestIds][0] : null;
  if (requestId === null && !(await ports.allowsIdpInitiated(idp))) return { kind: 'unsolicited', idp };
  if (unsignedRequestId !== null && unsignedRequestId !== requestId) reasons.push('Response InResponseTo differs from the signed one');
  // Not issued before the request it answers (its ID tells when, see newRequestId), nor before an
  // IdP-initiated response's window (a request's lifetime) or the replay cache's span.
  const requestIssued = requestId === null ? null : requestIssuedAt(requestId);
  for (const [d, what] of [
    [responseInstant, 'Response'],
    [assertionInstant, 'Assertion'],
  ] as const) {
    const t = d.getTime() + skewMs;
    if (requestIssued && t < requestIssued.getTime()) reasons.push(`${what} IssueInstant is before the request it answers`);
    else if (!requestIssued && t < now - settings.maxttlAuthreq * 1000)
      reasons.push(`${what} IssueInstant is more than ${settings.maxttlAuthreq}s old`);
    else if (t < now - settings.maxttlAuthresp * 1000) reasons.push(`${what} IssueInstant is more than ${settings.maxttlAuthresp}s old`);
  }

  const conditions = children(a, NS.assertion, 'Conditions');
  if (conditions.length !== 1) reasons.push('exactly one Conditions element is required');
  else {
    const c = conditions[0];
    const nb = time(c, 'NotBefore');
    if (nb === 'bad' || (nb && nb.getTime() > now + skewMs)) reasons.push('Conditions not yet valid');
    const end = time(c, 'NotOnOrAfter');
    future(end, 'Conditions NotOnOrAfter', false);
    if (end instanceof Date) lastEnd = Math.max(lastEnd, end.getTime());
    const restrictions = children(c, NS.assertion, 'AudienceRestriction');
    if (restrictions.length === 0) reasons.push('no AudienceRestriction');
    for (const r of restrictions) {
      const audiences = children(r, NS.assertion, 'Audience').map(strictText);
      if (!audiences.includes(settings.spEntityId)) reasons.push('audience mismatch');
    }
  }

  const attributes = assertionAttributes(a, settings.decryptionKey, RESPONSE_LIMITS);
  if (!attributes.ok) return error('bad-response-saml', attributes.message);

  if (authn.length === 0) reasons.push('no AuthnStatement');
  for (const s of authn) {
    past(time(s, 'AuthnInstant'), 'AuthnInstant');
    future(time(s, 'SessionNotOnOrAfter'), 'SessionNotOnOrAfter', false);
  }
  if (reasons.length > 0) return { kind: 'denied', requestId, reasons };

  const ttl = Math.ceil((lastEnd + skewMs - now) / 1000);
  if (ttl > settings.maxttlAuthresp)
    return error('ttl-error', `assertion valid for ${ttl}s, longer than the replay cache keeps (${settings.maxttlAuthresp}s)`);

  // Both one-time claims run concurrently (two Paxos rounds in parallel, not in sequence); a login
  // needs both. A denial may thus have used up the request or the assertion id, which only
  // someone holding this validly signed response could cause, and who could also submit it.
  // An IdP-initiated login has no request to use up; the replay cache is all that binds it.
  ports.checked?.({ requestId, idp, nameId });
  const consume = requestId === null ? Promise.resolve('consumed' as const) : ports.consumeRequest(requestId, idp.issuer);
  const [request, fresh] = await Promise.all([consume, ports.claimAssertion(assertionId, Math.max(1, ttl))]);
  if (request === 'unknown') return { kind: 'denied', requestId, reasons: ['InResponseTo: unknown, expired or already used request'] };
  if (request === 'other-idp') return { kind: 'denied', requestId, reasons: ['InResponseTo: the request was sent to another IdP'] };
  if (!fresh) return { kind: 'denied', requestId, reasons: ['status: failure (assertion replayed)'] };
  return { kind: 'granted', requestId, idp, issuer: idp.issuer, nameId, assertionId, attributes: attributes.value };
}
