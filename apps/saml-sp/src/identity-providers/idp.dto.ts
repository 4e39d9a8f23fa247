import { ApiProperty } from '@nestjs/swagger';
import type { IdpMetadataSource, IdpRecord, IdpSsoBinding } from '@sso/persistence';

const EXAMPLE_CERT =
  '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIC8jCCAdqgAwIBAgIQ...</ds:X509Certificate></ds:X509Data></ds:KeyInfo>';

export class IdpMetadataDto {
  @ApiProperty({ example: 'https://sts.windows.net/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/' }) issuer!: string;
  @ApiProperty({ example: 'https://login.microsoftonline.com/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/saml2' }) requestURI!: string;
  @ApiProperty({ type: [String], example: [EXAMPLE_CERT] }) certAuthnResponse!: string[];
}

/** Ours (spar has no metadata URLs): present only on IdPs registered from a metadata URL. */
export class IdpMetadataSourceDto {
  @ApiProperty({
    example: 'https://login.microsoftonline.com/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/federationmetadata/2007-06/federationmetadata.xml',
  })
  url!: string;
  @ApiProperty({ example: '2026-11-30T08:00:00.000Z', nullable: true, type: String, description: 'Last refresh attempt' }) checkedAt!:
    string | null;
  @ApiProperty({ example: '2026-11-30T08:00:00.000Z', nullable: true, type: String, description: 'Last time fetched metadata was applied' })
  appliedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: '`validUntil` of the applied metadata' }) validUntil!:
    string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the last refresh was not applied; null after a success' })
  lastError!: string | null;
}

export class IdpExtraInfoDto {
  @ApiProperty({ example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d' }) team!: string;
  @ApiProperty({ example: 'WireIdPAPIV2', enum: ['WireIdPAPIV1', 'WireIdPAPIV2'], nullable: true, type: String }) apiVersion!:
    string | null;
  @ApiProperty({ type: [String], example: [] }) oldIssuers!: string[];
  @ApiProperty({ example: null, nullable: true, type: String }) replacedBy!: string | null;
  @ApiProperty({ example: 'IdP 1' }) handle!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) domain!: string | null;
  @ApiProperty({ type: IdpMetadataSourceDto, required: false }) metadataSource?: IdpMetadataSourceDto;
  @ApiProperty({
    example: true,
    required: false,
    description: 'Present (true) only when the IdP may start logins itself (`allow_idp_initiated`)',
  })
  allowIdpInitiated?: true;
  @ApiProperty({
    example: 'HTTP-Redirect',
    enum: ['HTTP-Redirect'],
    required: false,
    description:
      'Present only when the IdP metadata offers no HTTP-POST SingleSignOnService: initiate-login then answers 303 to `requestURI` with the AuthnRequest in the query (HTTP-Redirect binding) instead of the auto-submit form',
  })
  ssoBinding?: 'HTTP-Redirect';
  @ApiProperty({
    example: true,
    required: false,
    description: 'Present (true) only when the IdP takes part in SAML Single Logout (`single_logout`)',
  })
  singleLogout?: true;
}

export class IdpDto {
  @ApiProperty({ example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' }) id!: string;
  @ApiProperty({ type: IdpMetadataDto }) metadata!: IdpMetadataDto;
  @ApiProperty({ type: IdpExtraInfoDto }) extraInfo!: IdpExtraInfoDto;
}

export class IdpListDto {
  @ApiProperty({ type: [IdpDto] }) providers!: IdpDto[];
}

export class IdpMetadataJsonDto {
  @ApiProperty({
    example:
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">…</md:EntityDescriptor>',
    description: 'The IdP metadata XML',
  })
  value!: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * spar's IdP JSON; a null stored handle shows as the computed "IdP N". An IdP registered from a
 * URL also shows where its metadata comes from and how the last refresh went, and a Redirect-only
 * IdP its binding (spar's clients ignore the extra members).
 */
export function idpJson(
  idp: IdpRecord,
  displayHandle: string,
  source: IdpMetadataSource | null = null,
  idpInitiated = false,
  ssoBinding: IdpSsoBinding = 'HTTP-POST',
  singleLogout = false,
): IdpDto {
  const json: IdpDto = {
    id: idp.id,
    metadata: { issuer: idp.issuer, requestURI: idp.requestUri, certAuthnResponse: idp.certs },
    extraInfo: {
      team: idp.team,
      apiVersion: idp.apiVersion === 2 ? 'WireIdPAPIV2' : idp.apiVersion === 1 ? 'WireIdPAPIV1' : null,
      oldIssuers: idp.oldIssuers,
      replacedBy: idp.replacedBy,
      handle: idp.handle ?? displayHandle,
      domain: idp.domain,
    },
  };
  if (source) {
    const { url, checkedAt, appliedAt, validUntil, lastError } = source;
    json.extraInfo.metadataSource = { url, checkedAt: iso(checkedAt), appliedAt: iso(appliedAt), validUntil: iso(validUntil), lastError };
  }
  if (idpInitiated) json.extraInfo.allowIdpInitiated = true;
  // POST, spar's only binding, stays unmentioned so that spar's JSON is unchanged for those IdPs.
  if (ssoBinding === 'HTTP-Redirect') json.extraInfo.ssoBinding = 'HTTP-Redirect';
  if (singleLogout) json.extraInfo.singleLogout = true;
  return json;
}

export class IdpMetadataUrlDto {
  @ApiProperty({
    example: 'https://login.microsoftonline.com/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/federationmetadata/2007-06/federationmetadata.xml',
    description: 'https URL of the IdP metadata; it must not resolve to a private, loopback, link-local or other internal address',
    maxLength: 2048,
  })
  url!: string;
}
