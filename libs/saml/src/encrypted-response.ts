import type { KeyObject } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { getVerifiedXml } from '@node-saml/node-saml/lib/xml';
import { decryptAssertion } from './decrypt';
import { certFromKeyInfo, pemOf } from './idp-metadata';
import { NS, XmlRejected, type XmlLimits, children, parseUntrustedXml } from './xml';

export interface OpenedResponse {
  /** The Response the ACS checks read: with the decrypted Assertion where the EncryptedAssertion was. */
  root: Element;
  /** The base64 Response node-saml verifies, or null when a Response signature does not verify. */
  verifierInput(idpKeyInfos: string[]): string | null;
}

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/**
 * Opens an encrypted Response for the unchanged ACS checks. Without an EncryptedAssertion the
 * Response passes as it is; with one and an SP key it is decrypted (decrypt.ts) and put in place.
 *
 * A Response signature covers the EncryptedAssertion, so it cannot verify once the Assertion is
 * back. It is therefore checked here, on the bytes received, with node-saml's own verifier
 * (configured certificates only, one Reference to the Response, unique ID) and, once it holds,
 * left out of what node-saml gets; node-saml still requires the Assertion's own signature
 * (`wantAssertionsSigned`). The ACS checks keep seeing it (a signed Response needs a Destination).
 * The combined document goes through the same parser limits as any Response.
 */
export function openResponse(doc: Document, xml: string, base64: string, key: KeyObject | undefined, limits: XmlLimits): OpenedResponse | { error: string } {
  const root = doc.documentElement;
  const encrypted = children(root, NS.assertion, 'EncryptedAssertion');
  if (encrypted.length === 0) return { root, verifierInput: () => base64 };
  if (!key) return { error: 'encrypted assertions are not supported' };
  if (encrypted.length > 1 || children(root, NS.assertion, 'Assertion').length > 0) return { error: 'exactly one assertion, encrypted or not, is allowed' };

  const decrypted = decryptAssertion(encrypted[0], key, limits);
  if (!decrypted.ok) return { error: decrypted.message };
  root.replaceChild(doc.importNode(decrypted.assertion, true), encrypted[0]);
  const combined = new XMLSerializer().serializeToString(doc);
  let checked: Document;
  try {
    checked = parseUntrustedXml(combined, limits);
  } catch (e) {
    if (e instanceof XmlRejected) return { error: `decrypted Response: ${e.message}` };
    throw e;
  }

  const outer = children(root, NS.dsig, 'Signature');
  if (outer.length === 0) return { root: checked.documentElement, verifierInput: () => b64(combined) };
  for (const s of outer) root.removeChild(s);
  const unsigned = b64(new XMLSerializer().serializeToString(doc));
  return {
    root: checked.documentElement,
    verifierInput: (idpKeyInfos) => {
      const pems = [...new Set(idpKeyInfos.map(certFromKeyInfo))].map(pemOf);
      try {
        return getVerifiedXml(xml, parseUntrustedXml(xml, limits).documentElement, pems) === null ? null : unsigned;
      } catch {
        return null;
      }
    },
  };
}
