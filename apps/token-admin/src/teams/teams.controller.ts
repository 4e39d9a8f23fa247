import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { teamId } from '@sso/domain';
import { AddMemberDto, CreateTeamDto, SsoFeatureDto } from './teams.dto';
import { TeamsHandler } from './teams.handler';

/** Operator routes on token-admin's own port; never routed by the gateway or the ingress. */
@ApiExcludeController()
@Controller('i/teams')
export class TeamsController {
  constructor(@Inject(TeamsHandler) private readonly teams: TeamsHandler) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: CreateTeamDto) {
    return this.teams.createTeam(body);
  }

  @Post(':team/members')
  @HttpCode(201)
  addMember(@Param('team', new ParseUUIDPipe()) team: string, @Body() body: AddMemberDto) {
    return this.teams.addMember(teamId(team), body);
  }

  @Get(':team/features/sso')
  ssoFeature(@Param('team', new ParseUUIDPipe()) team: string) {
    return this.teams.ssoFeature(teamId(team));
  }

  @Put(':team/features/sso')
  setSsoFeature(@Param('team', new ParseUUIDPipe()) team: string, @Body() body: SsoFeatureDto) {
    return this.teams.setSsoFeature(teamId(team), body.status);
  }

  @Get(':team/features/validateSAMLemails')
  validateSamlEmailsFeature(@Param('team', new ParseUUIDPipe()) team: string) {
    return this.teams.validateSamlEmailsFeature(teamId(team));
  }

  @Put(':team/features/validateSAMLemails')
  setValidateSamlEmailsFeature(@Param('team', new ParseUUIDPipe()) team: string, @Body() body: SsoFeatureDto) {
    return this.teams.setValidateSamlEmailsFeature(teamId(team), body.status);
  }

  @Get()
  async list(@Query('cursor') cursor?: string) {
    const page = await this.teams.listTeams(cursor ?? null);
    return { teams: page.items.map((t) => ({ id: t.id, name: t.name, creator: t.creator })), cursor: page.cursor };
  }
}
