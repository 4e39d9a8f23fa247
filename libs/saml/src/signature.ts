import type { KeyLike } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { NS, children, descendants } from './xml';

/** The IdP's public keys, deduplicated: KeyObjects parsed once (response.ts) or PEM text. */
export type VerificationKeys = readonly KeyLike[];

/**
 * Verifies the enveloped signature of `element` (a child `ds:Signature` whose one Reference names
 * `element` by its `ID`) with xml-crypto against `xml`, the text `element`'s document was parsed
 * from, and returns the signed bytes (the canonical form of `element`), or null when no key
 * verifies it. Throws on a shape no IdP sends: several signatures, more than two transforms, a
 * reference whose ID no element or several elements carry, or that is not the signature's parent.
 *
 * These are node-saml 5.1.0's `getVerifiedXml` rules, one for one (docs/saml-checks.md §0 and §1
 * rows 6–7), and what it accepts is exactly what node-saml accepts (signature.spec.ts compares the
 * two). It is cheaper in two ways:
 * - the checks of the signature and of the ID run on the DOM, not as XPath scans of the document;
 * - xml-crypto looks the referenced element up by `ID` only, SAML's identifier attribute, instead
 *   of by `Id`, `ID` and `id` in turn (three XPath scans of the whole document, the largest single
 *   cost of a login). The refusal those scans gave, of a document where another element carries
 *   the same value in any of the three, is made here first, by one walk of the DOM.
 * The cryptography (canonicalization, digests, the RSA check, only the signed bytes handed back)
 * is xml-crypto's, unchanged.
 */
export function verifiedSignedXml(xml: string, element: Element, keys: VerificationKeys): string | null {
  // As node-saml: the parser turns CRLF into LF in the DOM, and xml-crypto re-parses `xml`.
  const text = xml.replace(/\r\n?/g, '\n');
  const signatures = children(element, NS.dsig, 'Signature');
  if (signatures.length === 0) return null;
  if (signatures.length > 1) throw new Error('Too many signatures found for this element');
  const signature = signatures[0];
  if (descendants(signature, NS.dsig, 'Transform').length > 2) throw new Error('Invalid signature, too many transforms');
  for (const key of keys) {
    const sig = new SignedXml({ publicCert: key });
    sig.idAttributes = ['ID'];
    sig.loadSignature(signature);
    const refs = sig.getReferences();
    if (refs.length !== 1) return null;
    const uri = refs[0].uri ?? '';
    const refId = uri.startsWith('#') ? uri.slice(1) : uri;
    if (!refId) throw new Error('signature reference uri not found');
    // node-saml also refuses quotes here, to guard the XPath it builds from refId; the lookup below
    // builds none, and xml-crypto refuses a reference with a quote itself.
    const referenced = elementsWithId(element.ownerDocument, refId);
    if (referenced.length === 0) throw new Error('Invalid signature: no element carries the referenced ID');
    if (referenced.length > 1) throw new Error('Invalid signature: ID cannot refer to more than one element');
    if (referenced[0] !== element) throw new Error("Invalid signature: Referenced node does not refer to it's parent element");
    try {
      if (!sig.checkSignature(text)) continue;
      const signed = sig.getSignedReferences();
      if (signed.length !== 1) continue;
      return signed[0];
    } catch {
      // This key does not verify it (xml-crypto throws on a wrong signature value); try the next.
    }
  }
  return null;
}

/** The identifier attributes xml-crypto knows by default; any namespace, as its lookup has it. */
const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);

/** Every element of the document with an identifier attribute of that value. */
function elementsWithId(doc: Document, id: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (const el of children(n)) {
      const attrs = el.attributes;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i];
        if (ID_ATTRIBUTES.has(a.localName ?? a.name) && a.value === id) {
          out.push(el);
          break;
        }
      }
      walk(el);
    }
  };
  walk(doc);
  return out;
}
