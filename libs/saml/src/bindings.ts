import { createSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { pemOf } from './idp-metadata';
import type { SpSigningKey } from './sp';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/**
 * An enveloped XML signature (rsa-sha256, exc-c14n) on the protocol message with this ID, placed
 * right after its Issuer as the schema requires: the HTTP-POST binding's signature of our
 * AuthnRequests and logout messages.
 */
export function signEnveloped(xml: string, id: string, key: SpSigningKey): string {
  const sig = new SignedXml({
    privateKey: key.keyPem,
    publicCert: pemOf(key.certBase64),
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signatureAlgorithm: RSA_SHA256,
  });
  const self = `//*[@ID='${id}']`;
  sig.addReference({
    xpath: self,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: `${self}/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

/**
 * The HTTP-Redirect binding's URL (SAML Bindings §3.4.4.1): `field` = base64(DEFLATE-raw(XML)),
 * then RelayState, then with a key `SigAlg` and the `Signature` over those exact octets in that
 * order; the XML then carries no enveloped signature. A query the receiver put in its Location
 * stays (e.g. ADFS-style `?tenant=`); ours is appended.
 */
export function redirectBindingUrl(
  location: string,
  field: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  opts: { relayState?: string; key?: SpSigningKey } = {},
): string {
  let query = `${field}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (opts.relayState !== undefined) query += `&RelayState=${encodeURIComponent(opts.relayState)}`;
  if (opts.key) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const signature = createSign('RSA-SHA256').update(query, 'utf8').sign(opts.key.privateKey).toString('base64');
    query += `&Signature=${encodeURIComponent(signature)}`;
  }
  const hash = location.indexOf('#');
  const base = hash === -1 ? location : location.slice(0, hash);
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${query}`;
}
