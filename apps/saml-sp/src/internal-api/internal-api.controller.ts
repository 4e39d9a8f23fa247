import { Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { teamId, userId } from '@sso/domain';
import { IdpHandler } from '../identity-providers/idp.handler';
import { InternalApiHandler } from './internal-api.handler';

/**
 * spar's internal routes that galley and brig call (Wire's `i_delete_team`,
 * `i_post_scim_user_info`, `i_get_identity_providers`). Served on saml-sp's internal port only,
 * next to `/i/sso/settings`, so a Wire installation points galley's and brig's `spar` endpoint at
 * one Service (`<release>-saml-sp-internal`).
 */
@ApiExcludeController()
@Controller('i')
export class InternalApiController {
  constructor(
    @Inject(InternalApiHandler) private readonly handler: InternalApiHandler,
    @Inject(IdpHandler) private readonly idps: IdpHandler,
  ) {}

  @Delete('teams/:team')
  @HttpCode(204)
  async deleteTeam(@Param('team', new ParseUUIDPipe()) team: string): Promise<void> {
    await this.handler.deleteTeam(teamId(team));
  }

  @Get('identity-providers/:team')
  identityProviders(@Param('team', new ParseUUIDPipe()) team: string) {
    return this.idps.listTeam(teamId(team));
  }

  @Post('scim/userinfo/:user')
  @HttpCode(200)
  scimUserInfo(@Param('user', new ParseUUIDPipe()) user: string) {
    return this.handler.scimUserInfo(userId(user));
  }
}
