import type { KeyObject } from 'node:crypto';
import { decryptElement } from './decrypt';
import { NS, type XmlLimits, attr, children, strictText } from './xml';

/** One attribute of the assertion: its Name and its plain-text values. */
export interface SamlAttribute {
  name: string;
  nameFormat: string | null;
  values: string[];
}

type Part<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The Subject's identifier: a plain NameID, or an EncryptedID (SAML core §2.2.4) decrypted with
 * the SP's key under the same algorithm rules as an EncryptedAssertion. It is read from the
 * signed assertion bytes: the IdP signs the EncryptedID as it sent it, so the signature was
 * checked before anything here is decrypted. A BaseID, or both forms at once, is refused.
 */
export function subjectNameId(subject: Element, key: KeyObject | undefined, limits: XmlLimits): Part<Element> {
  const plain = children(subject, NS.assertion, 'NameID');
  const encrypted = children(subject, NS.assertion, 'EncryptedID');
  if (plain.length + encrypted.length !== 1 || children(subject, NS.assertion, 'BaseID').length > 0)
    return { ok: false, message: 'Assertion needs a Subject with exactly one NameID or EncryptedID' };
  if (plain.length === 1) return { ok: true, value: plain[0] };
  if (!key) return { ok: false, message: 'encrypted NameIDs are not supported: the SP has no decryption key (saml.spKeyFile)' };
  const d = decryptElement(encrypted[0], 'EncryptedID', key, limits);
  return d.ok ? { ok: true, value: d.element } : d;
}

/**
 * Every attribute of the assertion's AttributeStatements, EncryptedAttribute (SAML core §2.7.3.2)
 * decrypted as an EncryptedID is. A response is read whole or refused: an EncryptedAttribute that
 * cannot be decrypted (no key, a refused algorithm, a failed tag) refuses the login rather than
 * dropping the attribute unseen. Values that are not plain text (nested markup) are left out.
 */
export function assertionAttributes(assertion: Element, key: KeyObject | undefined, limits: XmlLimits): Part<SamlAttribute[]> {
  const attributes: SamlAttribute[] = [];
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const el of children(statement)) {
      if (el.namespaceURI !== NS.assertion) continue;
      let attribute: Element;
      if (el.localName === 'Attribute') attribute = el;
      else if (el.localName === 'EncryptedAttribute') {
        if (!key) return { ok: false, message: 'encrypted attributes are not supported: the SP has no decryption key (saml.spKeyFile)' };
        const d = decryptElement(el, 'EncryptedAttribute', key, limits);
        if (!d.ok) return d;
        attribute = d.element;
      } else continue;
      const name = attr(attribute, 'Name');
      if (!name) return { ok: false, message: 'an Attribute needs a Name' };
      const values = children(attribute, NS.assertion, 'AttributeValue')
        .map(strictText)
        .filter((v): v is string => v !== null);
      attributes.push({ name, nameFormat: attr(attribute, 'NameFormat'), values });
    }
  }
  return { ok: true, value: attributes };
}
