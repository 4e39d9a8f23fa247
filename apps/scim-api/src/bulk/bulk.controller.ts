import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import {
  ACTIVITY_RECORDER,
  type ActivityRecorder,
  CONFIG,
  LOGGER,
  type ScimRequest,
  ScimTokenAuth,
  ScimTokenGuard,
  classify,
} from '@sso/platform';
import { VERBS, scimWriteEvent } from '../activity/scim-activity.hooks';
import { type JsonObject, ScimError } from '@sso/scim';
import { SCIM_CONTENT_TYPE } from '../common/scim-errors';
import { baseUrl, jsonBody, tokenOf } from '../common/scim-http';
import { GroupsHandler } from '../groups/groups.handler';
import { CreateUser } from '../users/create-user';
import { DeleteUser } from '../users/delete-user';
import { UpdateUser } from '../users/update-user';
import { bulkLimits } from './bulk-limits';
import { BULK_RESPONSE_SCHEMA, checkPayloadSize, parseBulkRequest } from './bulk-request';
import { type ResolvedOperation, type Written, runBulk } from './bulk-run';
import { bulkRequestExample, bulkResponseExample } from './bulk.examples';

const scimError = (status: number, detail: string, scimType?: string) => ({
  status,
  description: detail,
  schema: {
    example: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail,
    },
  },
});

/** SCIM `/Bulk` (RFC 7644 §3.7): several writes in one request, each by its single-request code. */
@ApiTags('scim-bulk')
@ApiBearerAuth()
@Controller(['scim/v2/Bulk', 'scim/v2/bulk'])
@UseGuards(ScimTokenGuard)
export class BulkController {
  constructor(
    @Inject(CreateUser) private readonly creates: CreateUser,
    @Inject(UpdateUser) private readonly updates: UpdateUser,
    @Inject(DeleteUser) private readonly deletes: DeleteUser,
    @Inject(GroupsHandler) private readonly groups: GroupsHandler,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ACTIVITY_RECORDER) private readonly activity: ActivityRecorder,
    @Inject(ScimTokenAuth) private readonly auth: ScimTokenAuth,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run several writes in one request (RFC 7644 §3.7)',
    description:
      'Operations POST, PUT, PATCH and DELETE on /Users and /Groups, each with the rules, ETags (`version` is its If-Match) and atomicity of its own route. A POST needs a `bulkId`; `"bulkId:<id>"` anywhere in a later path or data (a group member\'s `value`, say) becomes the id that POST created. Operations run in request order, except that one waits for the POST it refers to; a reference to an undefined bulkId is 400, to a failed POST or a cycle 409. `failOnErrors` stops after that many errors (the rest is neither run nor reported). Results come back in request order, each with its own status and, on failure, an RFC 7644 error `response`. The limits are in ServiceProviderConfig `bulk`; above them 413.',
  })
  @ApiBody({ schema: { type: 'object', example: bulkRequestExample } })
  @ApiOkResponse({ description: 'A BulkResponse: one result per operation run', schema: { type: 'object', example: bulkResponseExample } })
  @ApiResponse(scimError(400, 'A BulkRequest needs an Operations array', 'invalidSyntax'))
  @ApiResponse(scimError(401, 'Authentication failed'))
  @ApiResponse(scimError(413, 'The number of operations (1001) exceeds the maxOperations (1000)'))
  @ApiResponse(scimError(501, 'Bulk is turned off on this service (scim.bulkMaxOperations is 0)'))
  async bulk(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<JsonObject> {
    const limits = bulkLimits(this.config);
    if (limits.maxOperations === 0)
      throw new ScimError('not-implemented', 'Bulk is turned off on this service (scim.bulkMaxOperations is 0)');
    const length = Number(req.headers['content-length']);
    const body = jsonBody(req);
    checkPayloadSize(Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(body)), limits);
    const request = parseBulkRequest(body, limits);
    const token = tokenOf(req);
    // The guard let the request in as one; each further operation costs the token one more (a
    // runaway job that batches its writes slows down as one that sends them one by one).
    this.auth.limiter.charge(token.id, request.operations.length - 1);
    const base = baseUrl(this.config, req);
    const run = async (op: ResolvedOperation): Promise<Written> => {
      const pre = { ifMatch: op.ifMatch };
      const id = op.id ?? '';
      if (op.resource === 'Users') {
        switch (op.method) {
          case 'POST': {
            const u = await this.creates.create(token, op.data);
            return { id: u.user.id, version: u.version, status: 201 };
          }
          case 'PUT':
          case 'PATCH': {
            const u =
              op.method === 'PUT' ? await this.updates.replace(token, id, op.data, pre) : await this.updates.patch(token, id, op.data, pre);
            return { id: u.user.id, version: u.version, status: 200 };
          }
          case 'DELETE':
            await this.deletes.delete(token, id, pre);
            return { id, version: null, status: 204 };
        }
      }
      switch (op.method) {
        case 'POST': {
          const g = await this.groups.create(token.team, op.data);
          return { id: g.group.id, version: g.version, status: 201 };
        }
        case 'PUT':
        case 'PATCH': {
          const g =
            op.method === 'PUT'
              ? await this.groups.replace(token.team, id, op.data, pre)
              : await this.groups.patch(token.team, id, op.data, pre);
          return { id: g.group.id, version: g.version, status: 200 };
        }
        case 'DELETE':
          await this.groups.delete(token.team, id, pre);
          return { id, version: null, status: 204 };
      }
    };
    const results = await runBulk(request, {
      run,
      locate: (resource, id) => `${base}/${resource}/${id}`,
      classify: (e) => {
        const c = classify(e);
        if (c.code === 'server-error') this.log.error({ err: e }, 'SCIM Bulk operation failed unexpectedly');
        return c;
      },
      // Each operation is recorded as its own request would be (the activity log never waits).
      done: (op, o) => {
        const verb = VERBS[op.method];
        if (!verb || !op.target) return;
        const write = { resource: op.target.resource === 'Users' ? ('user' as const) : ('group' as const), verb };
        this.activity.defer(async () => ({
          team: token.team,
          input: scimWriteEvent(write, token, o.status, o.code, o.id, o.data, undefined),
        }));
      },
    });
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return { schemas: [BULK_RESPONSE_SCHEMA], Operations: results };
  }
}
