import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { UserId } from '@sso/domain';
import { AccessGuard, ApiVersion, CurrentUser } from '@sso/platform';
import { CreateScimTokenDto, CreatedScimTokenDto, RenameScimTokenDto, ScimTokenListDto } from './scim-tokens.dto';
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
    description: 'Team owners and admins; the secret is returned once and only its hash is stored.',
  })
  @ApiOkResponse({ type: CreatedScimTokenDto })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 400, description: '`more-than-one-idp` (API v0-7 without `idp`) or invalid input' })
  @ApiResponse({ status: 404, description: '`not-found`: the IdP is not one of the team' })
  create(@CurrentUser() uid: UserId, @Body() body: CreateScimTokenDto, @ApiVersion() version: number): Promise<CreatedScimTokenDto> {
    return this.handler.create(uid, body, version);
  }

  @Get()
  @ApiOperation({ summary: "The team's SCIM tokens, oldest first (never the secrets)" })
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
