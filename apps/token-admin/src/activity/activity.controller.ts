import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { activityKinds, type UserId } from '@sso/domain';
import { AccessGuard, CurrentUser } from '@sso/platform';
import { ActivityPageDto } from './activity.dto';
import { ACTIVITY_PAGE_DEFAULT, ACTIVITY_PAGE_MAX, ActivityHandler, type ActivityQueryString } from './activity.handler';

@ApiTags('activity')
@ApiBearerAuth()
@Controller('team-settings/activity')
@UseGuards(AccessGuard)
export class ActivityController {
  constructor(@Inject(ActivityHandler) private readonly handler: ActivityHandler) {}

  @Get()
  @ApiOperation({
    summary: "The team's activity log, newest first",
    description:
      'SCIM writes (actor: the SCIM token), SSO logins and refused logins (with the reason label), SCIM token and IdP changes (actor: the admin). ' +
      'Kept for `activity.ttlDays` (90 by default). Team owners and admins only. One request reads at most 48 hours that hold events and 2000 events: ' +
      'a filtered page may hold fewer than `limit` events while `next` is not null; follow `next` until it is null.',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    example: '50',
    description: `Events per page, 1 to ${ACTIVITY_PAGE_MAX} (default ${ACTIVITY_PAGE_DEFAULT})`,
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    example: 'WyJhY3Rpdml0eSIsMTc5NjM5MjgwMDAwMCwiIl0',
    description: 'The `next` of the previous page',
  })
  @ApiQuery({
    name: 'kind',
    required: false,
    example: 'sso.login.failed,sso.login.succeeded',
    description: `Comma-separated: ${activityKinds.join(', ')}`,
  })
  @ApiQuery({ name: 'outcome', required: false, enum: ['ok', 'failed'], example: 'failed' })
  @ApiQuery({
    name: 'actor',
    required: false,
    example: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b',
    description: 'The id of a SCIM token, an admin or an IdP',
  })
  @ApiQuery({
    name: 'subject',
    required: false,
    example: 'bob',
    description: "A user's, group's, token's or IdP's id, or part of its name (case-insensitive): `bob` finds `bob@example.com`",
  })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiResponse({
    status: 400,
    description: '`bad-request`: a parameter out of range, an unknown kind, a cursor that is not one',
    content: { 'application/json': { example: { code: 400, label: 'bad-request', message: 'limit: an integer from 1 to 200' } } },
  })
  @ApiResponse({
    status: 403,
    description: '`no-team-member` or `insufficient-permissions` (as for the SCIM token routes)',
    content: {
      'application/json': {
        example: { code: 403, label: 'insufficient-permissions', message: 'You need permission CreateReadDeleteScimToken.' },
      },
    },
  })
  list(@CurrentUser() uid: UserId, @Query() q: ActivityQueryString): Promise<ActivityPageDto> {
    return this.handler.list(uid, q);
  }
}
