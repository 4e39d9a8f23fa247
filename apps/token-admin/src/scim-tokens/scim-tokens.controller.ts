import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { UserId } from '@sso/domain';
import { AccessGuard, ApiVersion, CurrentUser } from '@sso/platform';
import { CreateScimTokenDto, CreatedScimTokenDto, RenameScimTokenDto, RotateScimTokenDto, ScimTokenListDto } from './scim-tokens.dto';
import { ScimTokensHandler } from './scim-tokens.handler';

const forbidden = {
  status: 403,
  description: '`no-team-member`, `insufficient-permissions`, `access-denied` (re-authentication) or `token-limit-reached`',
};

@ApiTags('scim-tokens')
@ApiBearerAuth()
@Controller('scim/auth-tokens')
@UseGuards(AccessGuard)
export class ScimTokensController {
  constructor(@Inject(ScimTokensHandler) private readonly handler: ScimTokensHandler) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a SCIM token',
    description:
      'Team owners and admins; the secret is returned once and only its hash is stored. Optionally with an expiry (`expires_at` or `expires_in`; not in spar).',
  })
  @ApiOkResponse({ type: CreatedScimTokenDto })
  @ApiResponse(forbidden)
  @ApiResponse({
    status: 400,
    description:
      '`more-than-one-idp` (API v0-7 without `idp`) or invalid input, e.g. an expiry in the past or too far away (`bad-request`)',
    schema: { example: { code: 400, label: 'bad-request', message: 'expires_at: must be in the future' } },
  })
  @ApiResponse({ status: 404, description: '`not-found`: the IdP is not one of the team' })
  create(@CurrentUser() uid: UserId, @Body() body: CreateScimTokenDto, @ApiVersion() version: number): Promise<CreatedScimTokenDto> {
    return this.handler.create(uid, body, version);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a SCIM token (not in spar)',
    description:
      "A new token with the old one's IdP, description and name; the old one keeps working until it is deleted or expires, so the provisioning client can be switched without a gap. The new token's expiry is the one given, else the old token's lifetime from now, else none. It does not count against the token limit while the old one lives. Re-authentication as on create.",
  })
  @ApiOkResponse({
    type: CreatedScimTokenDto,
    schema: {
      example: {
        token: 'c3VwZXJzZWNyZXRuZXd0b2tlbnZhbHVlMTIzNDU2Nzg5MA==',
        info: {
          id: '0c9e7a1b-5d2f-4a6e-8b3c-9f1e2d3c4b5a',
          team: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d',
          created_at: '2026-12-04T10:00:00.000Z',
          idp: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
          description: 'Entra ID provisioning',
          name: 'entra',
          expires_at: '2027-03-04T10:00:00.000Z',
          last_used: null,
          expired: false,
          expires_soon: false,
          rotated_from: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b',
          replaced_by: null,
        },
      },
    },
  })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 400, description: '`bad-request`: an invalid expiry' })
  @ApiResponse({ status: 404, description: '`not-found`: no such token in the team' })
  @ApiResponse({
    status: 409,
    description: '`rotation-in-progress`: the token already has a live successor, or its own predecessor still exists',
    schema: {
      example: {
        code: 409,
        label: 'rotation-in-progress',
        message: 'This token was already rotated: delete it, or let it expire, before rotating again',
      },
    },
  })
  rotate(@CurrentUser() uid: UserId, @Param('id') id: string, @Body() body: RotateScimTokenDto): Promise<CreatedScimTokenDto> {
    return this.handler.rotate(uid, id, body);
  }

  @Get()
  @ApiOperation({
    summary: "The team's SCIM tokens, oldest first (never the secrets)",
    description:
      "spar's fields, plus (not in spar) `expires_at`, `last_used`, `expired`, `expires_soon`, `rotated_from` and `replaced_by` on every token.",
  })
  @ApiOkResponse({ type: ScimTokenListDto })
  @ApiResponse(forbidden)
  async list(@CurrentUser() uid: UserId): Promise<ScimTokenListDto> {
    return { tokens: await this.handler.list(uid) };
  }

  @Put(':id')
  @ApiOperation({ summary: 'Rename a SCIM token' })
  @ApiOkResponse({ description: 'An empty JSON array, as spar answers', schema: { type: 'array', example: [] } })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 404, description: '`not-found`: no such token in the team' })
  async rename(@CurrentUser() uid: UserId, @Param('id') id: string, @Body() body: RenameScimTokenDto): Promise<[]> {
    await this.handler.rename(uid, id, body.name);
    return [];
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a SCIM token' })
  @ApiQuery({ name: 'id', required: true, example: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b' })
  @ApiNoContentResponse({ description: 'Deleted (also when it did not exist)' })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 400, description: '`bad-request`: `id` is missing or not a token id' })
  async delete(@CurrentUser() uid: UserId, @Query('id') id: string): Promise<void> {
    await this.handler.delete(uid, id ?? '');
  }
}
