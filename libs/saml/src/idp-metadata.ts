import { X509Certificate } from 'node:crypto';
import { DomainError } from '@sso/domain';
import { NS, XmlRejected, attr, child, children, parseUntrustedXml, strictText } from './xml';

export interface IdpMetadata {
  /** entityID, compared as an exact string. */
  issuer: string;
  /** Location of the chosen SingleSignOnService. */
  requestUri: string;
  /** Its binding: HTTP-POST when the IdP offers it (spar's only one), else HTTP-Redirect. */
  ssoBinding: SsoBinding;
  /** Signing certificates as spar stores them: `<ds:KeyInfo ...><ds:X509Data><ds:X509Certificate>b64…`. */
  certs: string[];
  /** The earliest `validUntil` of EntitiesDescriptor, EntityDescriptor and IDPSSODescriptor, if any. */
  validUntil: Date | null;
  /** Where the IdP takes logout messages: its HTTP-Redirect SingleLogoutService, else its HTTP-POST one; null without. */
  singleLogout: { binding: SsoBinding; location: string; responseLocation: string | null } | null;
}

/** How the AuthnRequest travels to the IdP (SAML Bindings §3.5 POST, §3.4 Redirect). */
export type SsoBinding = 'HTTP-POST' | 'HTTP-Redirect';

export const METADATA_LIMITS = { maxBytes: 512 * 1024, maxDepth: 32, maxElements: 20_000 };
const BINDING_URI: Record<SsoBinding, string> = {
  'HTTP-POST': 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  'HTTP-Redirect': 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
};

const invalid = (why: string) => new DomainError('invalid-metadata', `Invalid IdP metadata: ${why}`);

/** spar's KeyInfo rendering of one certificate (what `certAuthnResponse` shows and `idp` stores). */
export function keyInfoXml(certBase64: string): string {
  return `<ds:KeyInfo xmlns:ds="${NS.dsig}"><ds:X509Data><ds:X509Certificate>${certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
}

/** The base64 DER of a stored KeyInfo string (ours or spar's, any prefix). */
export function certFromKeyInfo(keyInfo: string): string {
  const m = /<(?:[A-Za-z0-9_.-]+:)?X509Certificate[^>]*>([^<]*)</.exec(keyInfo);
  if (!m) throw new Error('stored KeyInfo without X509Certificate');
  return m[1].replace(/\s+/g, '');
}

export function pemOf(certBase64: string): string {
  const lines = certBase64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * spar's metadata rules: EntityDescriptor, or EntitiesDescriptor with exactly one child; issuer =
 * entityID; the one HTTP-POST SingleSignOnService (binding compared case-insensitively), or, only
 * when there is none, the one HTTP-Redirect SingleSignOnService (ours: spar refuses these IdPs); certs
 * from IDPSSODescriptor KeyDescriptors whose `use` is not `encryption` (keys of other descriptors
 * are never trusted), one X509Certificate per KeyInfo, RSA only, de-duplicated, at least one.
 * The metadata signature is not checked: the team admin who uploads it is the trust root.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  let doc;
  try {
    doc = parseUntrustedXml(xml, METADATA_LIMITS);
  } catch (e) {
    if (e instanceof XmlRejected) throw invalid(e.message);
    throw e;
  }
  let root: Element = doc.documentElement;
  const limits: Array<string | null> = [attr(root, 'validUntil')];
  if (root.namespaceURI === NS.metadata && root.localName === 'EntitiesDescriptor') {
    const kids = children(root).filter((c) => !(c.namespaceURI === NS.dsig && c.localName === 'Signature'));
    const entities = kids.filter((c) => c.namespaceURI === NS.metadata && c.localName === 'EntityDescriptor');
    if (entities.length !== 1) throw invalid('EntitiesDescriptor must contain exactly one EntityDescriptor');
    root = entities[0];
  }
  if (root.namespaceURI !== NS.metadata || root.localName !== 'EntityDescriptor') throw invalid('root must be md:EntityDescriptor');
  const issuer = attr(root, 'entityID');
  if (!issuer || issuer.length > 1024 || /[\s<>"]/.test(issuer)) throw invalid('missing or bad entityID');
  const idpDescs = children(root, NS.metadata, 'IDPSSODescriptor');
  if (idpDescs.length !== 1) throw invalid('exactly one IDPSSODescriptor is required');
  const idp = idpDescs[0];
  if (root !== doc.documentElement) limits.push(attr(root, 'validUntil'));
  limits.push(attr(idp, 'validUntil'));
  let validUntil: Date | null = null;
  for (const v of limits) {
    if (v === null) continue;
    const d = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(v)
      ? new Date(/(Z|[+-]\d\d:\d\d)$/.test(v) ? v : `${v}Z`)
      : null;
    if (!d || Number.isNaN(d.getTime())) throw invalid('validUntil is not an xs:dateTime');
    if (!validUntil || d < validUntil) validUntil = d;
  }

  const ssos = children(idp, NS.metadata, 'SingleSignOnService');
  const withBinding = (b: SsoBinding) => ssos.filter((s) => (attr(s, 'Binding') ?? '').toLowerCase() === BINDING_URI[b].toLowerCase());
  const posts = withBinding('HTTP-POST');
  // POST stays first choice so that an IdP spar accepts is driven exactly as spar drives it.
  const ssoBinding: SsoBinding = posts.length === 0 && withBinding('HTTP-Redirect').length > 0 ? 'HTTP-Redirect' : 'HTTP-POST';
  const chosen = ssoBinding === 'HTTP-POST' ? posts : withBinding('HTTP-Redirect');
  if (chosen.length !== 1) throw invalid('exactly one HTTP-POST SingleSignOnService (or, without one, one HTTP-Redirect) is required');
  const requestUri = attr(chosen[0], 'Location') ?? '';
  let url: URL;
  try {
    url = new URL(requestUri);
  } catch {
    throw invalid('SingleSignOnService Location is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('SingleSignOnService Location must be http(s)');

  const certs: string[] = [];
  for (const kd of children(idp, NS.metadata, 'KeyDescriptor')) {
    if (attr(kd, 'use') === 'encryption') continue;
    const keyInfo = child(kd, NS.dsig, 'KeyInfo');
    if (!keyInfo) throw invalid('KeyDescriptor without ds:KeyInfo');
    const data = children(keyInfo, NS.dsig, 'X509Data');
    const x509 = data.length === 1 ? children(data[0], NS.dsig, 'X509Certificate') : [];
    if (x509.length !== 1) throw invalid('each KeyInfo needs exactly one X509Data with one X509Certificate');
    const b64 = (strictText(x509[0]) ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw invalid('X509Certificate is not base64');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(b64, 'base64'));
    } catch {
      throw invalid('X509Certificate does not parse');
    }
    if (cert.publicKey.asymmetricKeyType !== 'rsa') throw invalid('only RSA signing keys are supported');
    if (!certs.includes(b64)) certs.push(b64);
  }
  if (certs.length === 0) throw invalid('no signing certificate');
  return { issuer, requestUri, ssoBinding, certs: certs.map(keyInfoXml), validUntil, singleLogout: singleLogoutOf(idp) };
}

const httpUrl = (v: string | null): string | null => {
  if (!v) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? v : null;
  } catch {
    return null;
  }
};

/**
 * The IdP's SingleLogoutService (SAML Metadata §2.4.2), Redirect first (what IdPs mostly take
 * logout messages with), else POST. Lenient where spar is silent: an unusable entry is ignored,
 * so metadata spar accepts is never refused for its logout endpoints; the IdP just gets no SLO.
 */
function singleLogoutOf(idp: Element): IdpMetadata['singleLogout'] {
  const services = children(idp, NS.metadata, 'SingleLogoutService');
  for (const binding of ['HTTP-Redirect', 'HTTP-POST'] as const) {
    for (const s of services) {
      if ((attr(s, 'Binding') ?? '').toLowerCase() !== BINDING_URI[binding].toLowerCase()) continue;
      const location = httpUrl(attr(s, 'Location'));
      if (location) return { binding, location, responseLocation: httpUrl(attr(s, 'ResponseLocation')) };
    }
  }
  return null;
}
