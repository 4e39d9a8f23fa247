import { escapeXml } from './xml';

export const NAMEID_FORMATS = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  x509: 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName',
  windows: 'urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName',
  kerberos: 'urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos',
  entity: 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
} as const;

const ACCEPTED = new Set<string>(Object.values(NAMEID_FORMATS).filter((f) => f !== NAMEID_FORMATS.transient));

export interface NameId {
  value: string;
  format: string;
  nameQualifier: string | null;
  spNameQualifier: string | null;
}

/** Why a NameID is refused, or null when it is usable as a user key. */
export function nameIdProblem(n: NameId): string | null {
  if (!ACCEPTED.has(n.format)) return `NameID format not accepted: ${n.format}`;
  if (n.value.trim() === '' || n.value !== n.value.trim()) return 'NameID is empty or has surrounding whitespace';
  if (n.value.length > 256) return 'NameID longer than 256 characters';
  if (/[\u0000-\u001f\u007f]/.test(n.value)) return 'NameID contains control characters';
  return null;
}

/** user_v2's key part: the text case-folded, qualifiers ignored. */
export function normalizeNameId(n: NameId): string {
  return n.value.toLowerCase();
}

/** The NameID as an XML element string, as spar stores it in `user_v2.sso_id` and brig's sso_id. */
export function nameIdXml(n: NameId): string {
  const q = [
    `Format="${escapeXml(n.format)}"`,
    n.nameQualifier !== null ? `NameQualifier="${escapeXml(n.nameQualifier)}"` : null,
    n.spNameQualifier !== null ? `SPNameQualifier="${escapeXml(n.spNameQualifier)}"` : null,
  ].filter(Boolean);
  return `<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ${q.join(' ')}>${escapeXml(n.value)}</NameID>`;
}

function issuerXml(issuer: string): string {
  return `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${escapeXml(issuer)}</Issuer>`;
}

/** brig's `sso_id` JSON for a SAML user. */
export function brigSsoId(issuer: string, n: NameId): string {
  return JSON.stringify({ tenant: issuerXml(issuer), subject: nameIdXml(n) });
}
