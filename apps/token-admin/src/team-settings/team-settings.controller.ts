import { Controller, Get, Header, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserId } from '@sso/domain';
import { AccessGuard, CurrentUser, sendPage } from '@sso/platform';
import { TEAM_SETTINGS_SCRIPT } from './team-settings.client';
import { TeamSettingsDetailsDto } from './team-settings.dto';
import { IdpDetailsReader } from './idp-details';
import { teamSettingsPage } from './team-settings.page';

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/** The request's own origin, for when the configuration names no public URL for it (multi-ingress without Z-Host). */
function requestOrigin(req: FastifyRequest): string {
  const proto = header(req, 'x-forwarded-proto')?.split(',')[0].trim() === 'https' ? 'https' : req.protocol;
  return `${proto}://${header(req, 'x-forwarded-host')?.split(',')[0].trim() ?? req.host}`;
}

/**
 * The team-settings page (docs/team-settings.md): a server-rendered shell, its script, and the
 * one JSON endpoint of its own (what spar's IdP JSON does not say). Everything else the page does
 * goes through the public APIs with a bearer access token.
 */
@ApiTags('team-settings')
@Controller('team-settings')
export class TeamSettingsController {
  constructor(@Inject(IdpDetailsReader) private readonly details: IdpDetailsReader) {}

  @Get()
  @ApiOperation({
    summary: 'The team-settings web page',
    description: 'Sign in, single sign-on connections, SCIM tokens and the activity log, for team owners and admins.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string', example: '<!doctype html>…' } } } })
  page(@Res() reply: FastifyReply): FastifyReply {
    return sendPage(reply, teamSettingsPage());
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: "The page's script (an ES module)" })
  @ApiProduces('text/javascript')
  @ApiOkResponse({
    description: 'The script',
    content: { 'text/javascript': { schema: { type: 'string', example: '// team settings…' } } },
  })
  script(): string {
    return TEAM_SETTINGS_SCRIPT;
  }

  @Get('details')
  @UseGuards(AccessGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "What the page shows beyond spar's IdP JSON",
    description:
      "Team owners and admins: for each IdP of the caller's team its SSO code, login URL, certificate expiry, metadata source " +
      "and bound-user count; the SP metadata URL and SCIM base URL. Counting reads each IdP issuer's own `user_v2` partition.",
  })
  @ApiOkResponse({ type: TeamSettingsDetailsDto, description: "The caller's team: public URLs and its IdPs' details" })
  @ApiResponse({ status: 403, description: '`no-team-member` or `insufficient-permissions` (members without admin rights)' })
  detailsOf(@CurrentUser() uid: UserId, @Req() req: FastifyRequest): Promise<TeamSettingsDetailsDto> {
    return this.details.forCaller(uid, header(req, 'z-host'), requestOrigin(req));
  }
}
