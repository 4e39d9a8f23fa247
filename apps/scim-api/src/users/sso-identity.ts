import { isEmail } from '@sso/domain';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const UNSPECIFIED_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unesc = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** A SAML identity as spar keys it: `user_v2(issuer, normalized NameID)` and brig's `sso_id`. */
export interface SamlIdentity {
  issuer: string;
  nameId: string;
  normalizedNameId: string;
  /** The NameID element as spar renders it into `sso_id.subject` and `user_v2.sso_id`. */
  subjectXml: string;
  /** brig `sso_id`: `{"tenant":<Issuer XML>,"subject":<NameID XML>}`. */
  ssoId: string;
}

/** spar's UserRef for a SCIM user of a token with an IdP: email-format NameID if externalId is an email. */
export function samlIdentity(issuer: string, externalId: string): SamlIdentity {
  const format = isEmail(externalId) ? EMAIL_FORMAT : UNSPECIFIED_FORMAT;
  const subjectXml = `<NameID xmlns="${SAML}" Format="${format}">${esc(externalId)}</NameID>`;
  const tenant = `<Issuer xmlns="${SAML}">${esc(issuer)}</Issuer>`;
  return { issuer, nameId: externalId, normalizedNameId: externalId.toLowerCase(), subjectXml, ssoId: JSON.stringify({ tenant, subject: subjectXml }) };
}

/** brig `sso_id` for a SCIM user without an IdP. */
export function scimExternalSsoId(externalId: string): string {
  return JSON.stringify({ scim_external_id: externalId });
}

/** The (issuer, normalized NameID) of a SAML `sso_id`, to find its `user_v2` row; null otherwise. */
export function samlKeyOf(ssoId: string | null): { issuer: string; normalizedNameId: string } | null {
  if (!ssoId) return null;
  let v: unknown;
  try {
    v = JSON.parse(ssoId);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { tenant, subject } = v as { tenant?: unknown; subject?: unknown };
  if (typeof tenant !== 'string' || typeof subject !== 'string') return null;
  const text = (xml: string) => /^<[^>]*>([\s\S]*)<\/[^>]*>$/.exec(xml.trim())?.[1];
  const issuer = text(tenant);
  const nameId = text(subject);
  if (issuer === undefined || nameId === undefined) return null;
  return { issuer: unesc(issuer), normalizedNameId: unesc(nameId).toLowerCase() };
}
