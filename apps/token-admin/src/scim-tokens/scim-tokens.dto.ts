import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

/** An optional expiry, on create and rotate (not in spar). */
export class TokenExpiryDto {
  @ApiPropertyOptional({
    example: '2027-06-30T00:00:00Z',
    description:
      "When the token stops working: an ISO 8601 date-time with a time zone, in the future, at most `scim.maxTokenLifetimeDays` (730 by default) away. Not with `expires_in`. Omitted: the token never expires (on rotate: the old token's lifetime).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  expires_at?: string;

  @ApiPropertyOptional({
    example: 7776000,
    description: 'The same as a lifetime in seconds from now (here 90 days). Not with `expires_at`.',
  })
  @IsOptional()
  @IsInt()
  expires_in?: number;
}

export class CreateScimTokenDto extends TokenExpiryDto {
  @ApiProperty({ example: 'Entra ID provisioning' })
  @IsString()
  @MaxLength(1024)
  description!: string;

  @ApiPropertyOptional({
    example: 'correct horse battery staple',
    description: "The caller's password (re-authentication); omit for SSO-only users.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'Second-factor code (accepted for compatibility; not used).', example: '123456' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  verification_code?: string;

  @ApiPropertyOptional({ example: 'entra', description: 'Defaults to the token id.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string;

  @ApiPropertyOptional({
    example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    description:
      "An IdP of the caller's team: SCIM users of this token get SAML identities at it. Without it, API versions 0-7 bind the team's only IdP.",
  })
  @IsOptional()
  @IsUUID()
  idp?: string;
}

export class RotateScimTokenDto extends TokenExpiryDto {
  @ApiPropertyOptional({
    example: 'correct horse battery staple',
    description: "The caller's password (re-authentication, as on create); omit for SSO-only users.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'Second-factor code (accepted for compatibility; not used).', example: '123456' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  verification_code?: string;
}

export class RenameScimTokenDto {
  @ApiProperty({ example: 'okta' })
  @IsString()
  @Length(1, 256)
  name!: string;
}

export class ScimTokenInfoDto {
  @ApiProperty({ example: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b' }) id!: string;
  @ApiProperty({ example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d' }) team!: string;
  @ApiProperty({ example: '2026-11-30T06:00:00.123Z' }) created_at!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      "The token's binding: the IdP whose SAML identities its users get, or null (email identities: those users cannot log in with SSO)",
  })
  idp!: string | null;
  @ApiProperty({ example: 'Entra ID provisioning' }) description!: string;
  @ApiProperty({ example: 'entra' }) name!: string;
  @ApiPropertyOptional({
    example: 'This token is not bound to an IdP: users provisioned with it get no SAML identity and cannot log in with SSO. …',
    description: 'Present when the token is not bound to an IdP while the team has IdPs (not in spar)',
  })
  warning?: string;
  @ApiProperty({
    example: '2027-06-30T00:00:00.000Z',
    nullable: true,
    type: String,
    description: 'When the token stops working; null: never (not in spar)',
  })
  expires_at!: string | null;
  @ApiProperty({
    example: '2026-12-04T09:41:00.000Z',
    nullable: true,
    type: String,
    description: 'When scim-api last accepted the token, to about a minute; null: never seen used (not in spar)',
  })
  last_used!: string | null;
  @ApiProperty({ example: false, description: 'The token is past its expiry: scim-api refuses it; delete it (not in spar)' })
  expired!: boolean;
  @ApiProperty({
    example: false,
    description: 'The token expires within `scim.tokenExpiryWarningDays` (14 by default): rotate it (not in spar)',
  })
  expires_soon!: boolean;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'The token this one was rotated from (it may have been deleted since); null: not made by rotation (not in spar)',
  })
  rotated_from!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'The live token rotated from this one: delete this one once the client uses the new one (not in spar)',
  })
  replaced_by!: string | null;
}

export class CreatedScimTokenDto {
  @ApiProperty({ example: 'N1Vx3hVsYWdwM3JQcUxkbmYzR1R6VmRtZ2FiVmx6bWs=', description: 'The secret: shown once, never stored.' })
  token!: string;

  @ApiProperty({ type: ScimTokenInfoDto }) info!: ScimTokenInfoDto;
}

export class ScimTokenListDto {
  @ApiProperty({ type: [ScimTokenInfoDto] }) tokens!: ScimTokenInfoDto[];
}
