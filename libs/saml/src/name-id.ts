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

/** XML text back to characters: the five entities and numeric references (`&#39;`, `&#x27;`). */
export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|quot|apos|amp);/g, (m, e: string) => {
    if (e.startsWith('#')) {
      const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[e]!;
  });
}

/** The attribute `name` of an element's start tag, unescaped, or null. */
function attr(startTag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(startTag);
  return m ? unescapeXml(m[1] ?? m[2] ?? '') : null;
}

/** One element of our (or spar's) rendering: `<Name attrs>text</Name>`, no children. */
function simpleElement(xml: string): { startTag: string; text: string } | null {
  const m = /^<([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*(\s[^>]*)?>([^<]*)<\/[^>]+>$/.exec(xml.trim());
  return m ? { startTag: m[2] ?? '', text: unescapeXml(m[3] ?? '') } : null;
}

/** What brig's `sso_id` says: a SAML identity, or the `scim_external_id` of a SCIM user without IdP. */
export type BrigSsoId = { kind: 'saml'; issuer: string; nameId: NameId } | { kind: 'scim'; externalId: string };

/**
 * Reads brig's `sso_id` JSON (what `brigSsoId` writes, and spar's rows): null when absent or not
 * one of the two shapes. The NameID keeps its case and qualifiers.
 */
export function parseBrigSsoId(ssoId: string | null): BrigSsoId | null {
  if (!ssoId) return null;
  let v: unknown;
  try {
    v = JSON.parse(ssoId);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o['scim_external_id'] === 'string') return { kind: 'scim', externalId: o['scim_external_id'] };
  if (typeof o['tenant'] !== 'string' || typeof o['subject'] !== 'string') return null;
  const tenant = simpleElement(o['tenant']);
  const subject = simpleElement(o['subject']);
  if (!tenant || !subject) return null;
  return {
    kind: 'saml',
    issuer: tenant.text,
    nameId: {
      value: subject.text,
      format: attr(subject.startTag, 'Format') ?? NAMEID_FORMATS.unspecified,
      nameQualifier: attr(subject.startTag, 'NameQualifier'),
      spNameQualifier: attr(subject.startTag, 'SPNameQualifier'),
    },
  };
}
