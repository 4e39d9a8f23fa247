import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, type UserId } from '@sso/domain';
import type { IdentityStores } from '@sso/persistence';
import type { Config } from '@sso/config';
import { AccessGuard, CONFIG, CurrentUser, IDENTITY_STORES } from '@sso/platform';

class SelfDto {
  @ApiProperty({ example: '3f0f3e4c-8a47-4ad6-a5a4-3a0e7c1bd5a0' }) id!: string;
  @ApiProperty({ example: 'Alice' }) name!: string;
  @ApiProperty({ example: 'alice@example.com', type: String, nullable: true }) email!: string | null;
  @ApiProperty({ example: 'alice', type: String, nullable: true }) handle!: string | null;
  @ApiProperty({ example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d', type: String, nullable: true }) team!: string | null;
  @ApiProperty({ example: 'en' }) locale!: string;
  @ApiProperty({ example: 'wire', enum: ['wire', 'scim'] }) managed_by!: string;
  @ApiProperty({ example: 'active' }) status!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The SSO identity, when the user has one.',
    example: { scim_external_id: 'alice@example.com' },
  })
  sso_id?: unknown;
}

@ApiTags('login')
@ApiBearerAuth()
@Controller('self')
@UseGuards(AccessGuard)
export class SelfController {
  constructor(
    @Inject(IDENTITY_STORES) private readonly stores: IdentityStores,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiOkResponse({ type: SelfDto })
  @ApiResponse({ status: 404, description: '`not-found`: the user of the token is gone' })
  async self(@CurrentUser() uid: UserId): Promise<SelfDto> {
    const u = await this.stores.users.get(uid);
    if (!u || u.status === 'deleted') throw new DomainError('not-found', 'User not found');
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      handle: u.handle,
      team: u.team,
      // Without a language of its own the user has the backend's default locale, as in brig.
      locale: u.language ? (u.country ? `${u.language}-${u.country}` : u.language) : this.config.defaultLocale,
      managed_by: u.managedBy,
      status: u.status,
      ...(u.ssoId ? { sso_id: JSON.parse(u.ssoId) as unknown } : {}),
    };
  }
}
