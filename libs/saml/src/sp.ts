import { type KeyObject, randomUUID } from 'node:crypto';
import type { TeamId } from '@sso/domain';
import { ENCRYPTION_METHODS } from './decrypt';
import { escapeXml } from './xml';

export interface SpContact {
  type: 'ContactTechnical' | 'ContactSupport' | 'ContactAdministrative' | 'ContactBilling' | 'ContactOther';
  company?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  phone?: string;
}

/**
 * The SP's own key pair, when configured: AuthnRequests are then signed, encrypted assertions
 * decrypted, and the certificate published for both uses.
 */
export interface SpSigningKey {
  keyPem: string;
  /** The same key, parsed once, for decryption. */
  privateKey: KeyObject;
  /** base64 DER of the certificate. */
  certBase64: string;
}

export interface SpSettings {
  /** Public base of the SSO routes, e.g. `https://wire.example.com/sso` (no trailing slash needed). */
  spSsoUri: string;
  contacts: SpContact[];
  signing?: SpSigningKey;
  /**
   * Publish the key pair with use="encryption" too (default). Off for IdPs that would then
   * encrypt with CBC, which is refused (ADFS takes the encryption key from metadata and has no
   * GCM): the SP still decrypts what arrives encrypted, it only stops inviting it.
   */
  publishEncryptionKey?: boolean;
}

/**
 * The one function for the SP's identity: the entity id is also the ACS URL, the AuthnRequest
 * Issuer, the expected Audience and the expected Recipient/Destination, so they cannot disagree.
 * v1: `<spSsoUri>/finalize-login`; v2: `<spSsoUri>/finalize-login/<team>`.
 */
export function spEntityId(settings: Pick<SpSettings, 'spSsoUri'>, team: TeamId | null): string {
  const base = settings.spSsoUri.replace(/\/+$/, '');
  return team ? `${base}/finalize-login/${team}` : `${base}/finalize-login`;
}

/** The SP's SingleLogoutService (IdP → SP logout messages): `<spSsoUri>/slo/<team>`, v1 `<spSsoUri>/slo`. */
export function spLogoutUrl(settings: Pick<SpSettings, 'spSsoUri'>, team: TeamId | null): string {
  const base = settings.spSsoUri.replace(/\/+$/, '');
  return team ? `${base}/slo/${team}` : `${base}/slo`;
}

const contactTypes: Record<SpContact['type'], string> = {
  ContactTechnical: 'technical',
  ContactSupport: 'support',
  ContactAdministrative: 'administrative',
  ContactBilling: 'billing',
  ContactOther: 'other',
};

const keyInfo = (certBase64: string) =>
  `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;

/**
 * One pair for both uses (as the config has one): the certificate is published with use="signing"
 * and use="encryption", the latter listing the only algorithms we decrypt (AES-GCM, RSA-OAEP) so
 * that IdPs which read metadata (Shibboleth, pysaml2) choose them instead of CBC.
 */
function keyDescriptors(certBase64: string, encryption: boolean): string {
  const signing = `<md:KeyDescriptor use="signing">${keyInfo(certBase64)}</md:KeyDescriptor>`;
  if (!encryption) return signing;
  const methods = ENCRYPTION_METHODS.map((a) => `<md:EncryptionMethod Algorithm="${a}"/>`).join('');
  return `${signing}<md:KeyDescriptor use="encryption">${keyInfo(certBase64)}${methods}</md:KeyDescriptor>`;
}

/**
 * SP metadata as spar renders it. spar has no keys, so no KeyDescriptor; with a configured SP key
 * the metadata says AuthnRequestsSigned="true" and publishes the certificate for signing and
 * encryption. With `singleLogout` (a team whose IdP takes part in Single Logout) it lists the
 * SingleLogoutService in both bindings; otherwise the metadata stays spar's.
 */
export function renderSpMetadata(settings: SpSettings, team: TeamId | null, now: Date, opts: { singleLogout?: boolean } = {}): string {
  const issuer = escapeXml(spEntityId(settings, team));
  const validUntil = new Date(now.getTime() + 365 * 86_400_000).toISOString();
  const contacts = settings.contacts
    .map((c) => {
      const parts = [
        c.company && `<md:Company>${escapeXml(c.company)}</md:Company>`,
        c.givenName && `<md:GivenName>${escapeXml(c.givenName)}</md:GivenName>`,
        c.surname && `<md:SurName>${escapeXml(c.surname)}</md:SurName>`,
        c.email && `<md:EmailAddress>${escapeXml(c.email)}</md:EmailAddress>`,
        c.phone && `<md:TelephoneNumber>${escapeXml(c.phone)}</md:TelephoneNumber>`,
      ].filter(Boolean);
      return `<md:ContactPerson contactType="${contactTypes[c.type]}">${parts.join('')}</md:ContactPerson>`;
    })
    .join('');
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_${randomUUID()}" entityID="${issuer}" validUntil="${validUntil}">` +
    `<md:SPSSODescriptor validUntil="${validUntil}" cacheDuration="PT720H" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="${settings.signing ? 'true' : 'false'}" WantAssertionsSigned="true">` +
    (settings.signing ? keyDescriptors(settings.signing.certBase64, settings.publishEncryptionKey ?? true) : '') +
    (opts.singleLogout
      ? ['HTTP-Redirect', 'HTTP-POST']
          .map(
            (b) =>
              `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${b}" Location="${escapeXml(spLogoutUrl(settings, team))}"/>`,
          )
          .join('')
      : '') +
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>' +
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:entity</md:NameIDFormat>' +
    `<md:AssertionConsumerService index="0" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${issuer}"/>` +
    '</md:SPSSODescriptor>' +
    `<md:Organization><md:OrganizationName xml:lang="EN">spar</md:OrganizationName><md:OrganizationDisplayName xml:lang="EN">spar</md:OrganizationDisplayName><md:OrganizationURL xml:lang="EN">${issuer}</md:OrganizationURL></md:Organization>` +
    contacts +
    '</md:EntityDescriptor>'
  );
}
