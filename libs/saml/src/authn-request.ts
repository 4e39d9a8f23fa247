import { randomBytes } from 'node:crypto';
import { redirectBindingUrl, signEnveloped } from './bindings';
import type { SpSigningKey } from './sp';
import { pageCsp } from './page-csp';
import { escapeXml } from './xml';

export interface AuthnRequest {
  id: string;
  xml: string;
}

/**
 * `_` and a UUIDv7 (RFC 9562 §5.7): 74 random bits, and the millisecond it was issued, so the ACS
 * knows when the request a response answers was sent without storing it (`requestIssuedAt`).
 */
export function newRequestId(now: Date): string {
  const b = randomBytes(16);
  b.writeUIntBE(Math.max(0, Math.min(now.getTime(), 2 ** 48 - 1)), 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * When a request with this ID was issued, or null for an ID `newRequestId` did not make (the
 * UUIDv4 IDs of older versions). Trust it only for an ID that was also found in the request store.
 */
export function requestIssuedAt(id: string): Date | null {
  const m = /^_([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.exec(id);
  return m ? new Date(Number.parseInt(m[1] + m[2], 16)) : null;
}

/**
 * spar's AuthnRequest: ID `_<uuid>` (a UUIDv7 here, see `newRequestId`), IssueInstant now, Issuer = SP entity id, NameIDPolicy
 * unspecified with AllowCreate, unsigned, no Destination and no RequestedAuthnContext (so MFA and
 * Kerberos IdPs are not constrained). `destination` is for the Redirect binding only, where a
 * signed request must name it (SAML Bindings §3.4.5.2); the POST path stays spar's.
 */
export function buildAuthnRequest(spIssuer: string, now: Date, opts: { id?: string; destination?: string } = {}): AuthnRequest {
  const id = opts.id ?? newRequestId(now);
  const destination = opts.destination === undefined ? '' : ` Destination="${escapeXml(opts.destination)}"`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${now.toISOString()}"${destination}>` +
    `<saml:Issuer>${escapeXml(spIssuer)}</saml:Issuer>` +
    '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" AllowCreate="true"/>' +
    '</samlp:AuthnRequest>';
  return { id, xml };
}

/** The script of the auto-POST page; its hash is what the page's CSP allows to run. */
const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit()';

/**
 * The XHTML page that POSTs the AuthnRequest to the IdP (HTTP-POST binding, no RelayState). The
 * submit runs from a script element, not an onload attribute, so a CSP hash can allow it
 * without 'unsafe-hashes'.
 */
export function renderAuthnRequestForm(idpRequestUri: string, req: AuthnRequest, relayState?: string): string {
  const action = escapeXml(idpRequestUri);
  const value = Buffer.from(req.xml, 'utf8').toString('base64');
  const relay = relayState === undefined ? '' : `<input name="RelayState" type="hidden" value="${escapeXml(relayState)}"/>`;
  return (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">' +
    '<html xml:lang="en" xmlns="http://www.w3.org/1999/xhtml"><head><title>wire:sso:initiate-login</title></head>' +
    '<body><noscript><p><strong>Note:</strong> Your browser does not support JavaScript; press the button to continue.</p></noscript>' +
    `<form action="${action}" method="post"><input name="SAMLRequest" type="hidden" value="${value}"/>${relay}` +
    '<noscript><input type="submit" value="Continue"/></noscript></form>' +
    `<script type="text/javascript">${AUTO_SUBMIT_SCRIPT}</script></body></html>`
  );
}

/**
 * The auto-POST page's CSP: its one script, and the form may post to the IdP's origin only (the
 * origin, not the full URL: browsers check form-action on the IdP's own redirects too).
 */
export function authnRequestFormCsp(idpRequestUri: string): string {
  let origin = "'none'";
  try {
    const o = new URL(idpRequestUri).origin;
    if (o !== 'null') origin = o;
  } catch {
    // a stored request URI always parses; 'none' keeps the page inert if one does not
  }
  return pageCsp(AUTO_SUBMIT_SCRIPT, origin);
}

/**
 * The AuthnRequest with an enveloped XML signature (bindings.ts), for IdPs that want signed
 * requests (HTTP-POST binding).
 */
export function signAuthnRequest(req: AuthnRequest, key: SpSigningKey): AuthnRequest {
  return { id: req.id, xml: signEnveloped(req.xml, req.id, key) };
}

/**
 * The HTTP-Redirect binding (bindings.ts), for IdPs whose metadata offers no HTTP-POST endpoint:
 * the URL to send the browser to, the query signed with an SP key.
 */
export function authnRequestRedirectUrl(idpRequestUri: string, req: AuthnRequest, key?: SpSigningKey, relayState?: string): string {
  return redirectBindingUrl(idpRequestUri, 'SAMLRequest', req.xml, { relayState, key });
}
