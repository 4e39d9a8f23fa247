import { ApiProperty } from '@nestjs/swagger';

const TEAM = 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d';
const IDP = '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d';
const BASE = 'https://wire.example.com';

export class CertificateInfoDto {
  @ApiProperty({ example: 'CN=login.example.com', type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ example: '2027-03-01T12:00:00.000Z', type: String, nullable: true, description: 'notAfter; null when unreadable' })
  not_after!: string | null;
  @ApiProperty({
    example: 'ok',
    enum: ['ok', 'expiring', 'expired', 'unreadable'],
    description: '`expiring`: within `cert_warning_days`',
  })
  status!: string;
}

export class MetadataSourceDto {
  @ApiProperty({ example: 'url', enum: ['upload', 'url'], description: '`upload`: XML uploaded by an admin (never refreshed)' })
  kind!: string;
  @ApiProperty({ required: false, example: 'https://login.example.com/federationmetadata.xml' }) url?: string;
  @ApiProperty({ required: false, nullable: true, type: String, example: '2026-12-04T08:00:00.000Z', description: 'Last refresh attempt' })
  checked_at?: string | null;
  @ApiProperty({ required: false, nullable: true, type: String, example: '2026-12-04T08:00:00.000Z', description: 'Last applied refresh' })
  applied_at?: string | null;
  @ApiProperty({ required: false, nullable: true, type: String, example: null }) valid_until?: string | null;
  @ApiProperty({ required: false, nullable: true, type: String, example: null, description: 'Why the last refresh was not applied' })
  last_error?: string | null;
}

export class IdpDetailsDto {
  @ApiProperty({ example: IDP }) id!: string;
  @ApiProperty({ example: 'IdP 1' }) handle!: string;
  @ApiProperty({ example: 'https://sts.windows.net/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/' }) issuer!: string;
  @ApiProperty({ example: `wire-${IDP}`, description: 'What employees type into the enterprise-login dialog' }) sso_code!: string;
  @ApiProperty({ example: `${BASE}/sso/login?code=wire-${IDP}` }) login_url!: string;
  @ApiProperty({ example: `${BASE}/sso/metadata/${TEAM}`, description: "The SP metadata for this IdP's API version" })
  sp_metadata_url!: string;
  @ApiProperty({ example: `${BASE}/sso/finalize-login/${TEAM}` }) sp_entity_id!: string;
  @ApiProperty({ type: [CertificateInfoDto] }) certificates!: CertificateInfoDto[];
  @ApiProperty({ example: '2027-03-01T12:00:00.000Z', type: String, nullable: true, description: 'The earliest certificate expiry' })
  cert_expiry!: string | null;
  @ApiProperty({ example: 'ok', enum: ['ok', 'expiring', 'expired', 'unreadable'], description: 'The worst certificate status' })
  cert_status!: string;
  @ApiProperty({ type: MetadataSourceDto }) metadata_source!: MetadataSourceDto;
  @ApiProperty({ example: 12, description: "Users of the team bound to the IdP's issuer (what delete without purge refuses)" })
  bound_users!: number;
}

export class TeamSettingsDetailsDto {
  @ApiProperty({ example: TEAM }) team!: string;
  @ApiProperty({ example: BASE }) public_url!: string;
  @ApiProperty({ example: `${BASE}/sso/metadata/${TEAM}`, description: 'SP metadata to give a new IdP (team-scoped entity id)' })
  sp_metadata_url!: string;
  @ApiProperty({ example: `${BASE}/scim/v2` }) scim_base_url!: string;
  @ApiProperty({ example: 8, description: 'How many SCIM tokens a team may have' }) scim_token_limit!: number;
  @ApiProperty({ example: 30 }) cert_warning_days!: number;
  @ApiProperty({ type: [IdpDetailsDto] }) idps!: IdpDetailsDto[];
}
