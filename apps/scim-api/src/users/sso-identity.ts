import { isEmail } from '@sso/domain';
import { NAMEID_FORMATS, type NameId, brigSsoId, nameIdXml, normalizeNameId, parseBrigSsoId } from '@sso/saml';

/**
 * A SAML identity as spar keys it: `user_v2(issuer, normalized NameID)` and brig's `sso_id`. The
 * XML comes from libs/saml, the same helpers the SSO login writes with, so SCIM and SAML agree
 * on the text of `sso_id` for one user.
 */
export interface SamlIdentity {
  issuer: string;
  nameId: NameId;
  normalizedNameId: string;
  /** The NameID element as spar renders it into `sso_id.subject` and `user_v2.sso_id`. */
  subjectXml: string;
  /** brig `sso_id`: `{"tenant":<Issuer XML>,"subject":<NameID XML>}`. */
  ssoId: string;
}

/** spar's UserRef for a SCIM user of a token with an IdP: email-format NameID if externalId is an email. */
export function samlIdentity(issuer: string, externalId: string): SamlIdentity {
  const nameId: NameId = {
    value: externalId,
    format: isEmail(externalId) ? NAMEID_FORMATS.email : NAMEID_FORMATS.unspecified,
    nameQualifier: null,
    spNameQualifier: null,
  };
  return { issuer, nameId, normalizedNameId: normalizeNameId(nameId), subjectXml: nameIdXml(nameId), ssoId: brigSsoId(issuer, nameId) };
}

/** brig `sso_id` for a SCIM user without an IdP. */
export function scimExternalSsoId(externalId: string): string {
  return JSON.stringify({ scim_external_id: externalId });
}

/** The (issuer, normalized NameID) of a SAML `sso_id`, to find its `user_v2` row; null otherwise. */
export function samlKeyOf(ssoId: string | null): { issuer: string; normalizedNameId: string } | null {
  const s = parseBrigSsoId(ssoId);
  return s?.kind === 'saml' ? { issuer: s.issuer, normalizedNameId: normalizeNameId(s.nameId) } : null;
}

/**
 * The externalId spar shows for brig's `sso_id`: the NameID text as the IdP sent it (case kept),
 * or the `scim_external_id`; null without an SSO identity.
 */
export function externalIdOf(ssoId: string | null): string | null {
  const s = parseBrigSsoId(ssoId);
  if (!s) return null;
  return s.kind === 'saml' ? s.nameId.value : s.externalId;
}
