import type { KeyObject } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { decryptAssertion } from './decrypt';
import { type VerificationKeys, verifiedSignedXml } from './signature';
import { NS, XmlRejected, type XmlLimits, children, parseUntrustedXml } from './xml';

export interface OpenedResponse {
  /** The Response the ACS checks read: with the decrypted Assertion where the EncryptedAssertion was. */
  root: Element;
  /** The text `root` was parsed from: the Assertion's signature is verified against it. */
  xml: string;
  /** False when the received Response carries a signature that does not verify with these certificates. */
  responseSignatureHolds(keys: VerificationKeys): boolean;
}

/**
 * The verifier (signature.ts) on the received Response's own signature, if there is one: configured
 * certificates only, one Reference to the Response, unique ID, at most two transforms. node-saml
 * itself ignores a Response signature that fails when assertion signatures are required; a
 * signature that does not verify is refused here (tampering, or the wrong key in the metadata).
 */
function responseSignatureHolds(received: Element, xml: string, keys: VerificationKeys): boolean {
  if (children(received, NS.dsig, 'Signature').length === 0) return true;
  try {
    return verifiedSignedXml(xml, received, keys) !== null;
  } catch {
    return false;
  }
}

/**
 * Opens a Response for the ACS checks. Without an EncryptedAssertion the Response passes as it
 * is; with one and an SP key it is decrypted (decrypt.ts) and put in place, and the combined
 * document goes through the same parser limits as any Response.
 *
 * A Response signature covers the EncryptedAssertion, so it is checked on the bytes received,
 * never on the combined document; the Assertion's own signature stays required and is checked
 * against the combined text.
 */
export function openResponse(
  doc: Document,
  xml: string,
  key: KeyObject | undefined,
  limits: XmlLimits,
): OpenedResponse | { error: string } {
  const root = doc.documentElement;
  const encrypted = children(root, NS.assertion, 'EncryptedAssertion');
  if (encrypted.length === 0) return { root, xml, responseSignatureHolds: (keys) => responseSignatureHolds(root, xml, keys) };
  if (!key) return { error: 'encrypted assertions are not supported' };
  if (encrypted.length > 1 || children(root, NS.assertion, 'Assertion').length > 0)
    return { error: 'exactly one assertion, encrypted or not, is allowed' };

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
  return {
    root: checked.documentElement,
    xml: combined,
    // The received document was changed above: the signature is checked on a fresh parse of the received bytes.
    responseSignatureHolds: (keys) => responseSignatureHolds(parseUntrustedXml(xml, limits).documentElement, xml, keys),
  };
}
