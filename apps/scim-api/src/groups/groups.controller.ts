import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Config } from '@sso/config';
import { CONFIG, type ScimRequest, ScimTokenGuard } from '@sso/platform';
import { GROUP_SCHEMA, type JsonObject, ScimError, groupResourceSchema, ifNoneMatchPasses, projectResource } from '@sso/scim';
import { ApiListQueries } from '../common/api-list-queries';
import { type ListQuery, queryFromSearchBody, stringQuery } from '../common/list-query';
import { groupInputSchema, groupSchema, listSchema, patchOpSchema, searchRequestSchema, withExample } from '../common/openapi-schemas';
import { SCIM_CONTENT_TYPE } from '../common/scim-errors';
import { baseUrl, header, jsonBody, patchWantsResource, prefer, tokenOf } from '../common/scim-http';
import { preconditionsOf } from '../common/preconditions';
import {
  groupErrors as errors,
  groupExample,
  groupListExample,
  groupPatchExample,
  groupResponseExample,
  groupSearchExample,
} from './groups.examples';
import { GroupsHandler, type LoadedGroup } from './groups.handler';
import { GroupsSearch, outputNeedsMembers } from './groups.search';

const ifMatch = { name: 'If-Match', required: false, description: 'Apply only to this version (`meta.version`); 412 otherwise' };
const queryExamples = {
  filter: 'displayName eq "Sales"',
  startIndex: '1',
  count: '100',
  cursor: '',
  sortBy: 'displayName',
  sortOrder: 'ascending',
  attributes: 'displayName',
  excludedAttributes: 'members',
};

/** SCIM 2.0 Groups (RFC 7644 §3; docs/spar-behaviour.md §5.5); the token's team scopes everything. */
@ApiTags('scim-groups')
@ApiBearerAuth()
@Controller(['scim/v2/Groups', 'scim/v2/groups'])
@UseGuards(ScimTokenGuard)
export class GroupsController {
  constructor(
    @Inject(GroupsHandler) private readonly groups: GroupsHandler,
    @Inject(GroupsSearch) private readonly search: GroupsSearch,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private render(req: ScimRequest, g: LoadedGroup): JsonObject {
    const base = baseUrl(this.config, req);
    const r = g.group;
    return {
      schemas: [GROUP_SCHEMA],
      id: r.id,
      ...(r.externalId !== null ? { externalId: r.externalId } : {}),
      displayName: r.displayName,
      ...(g.members !== null
        ? {
            members: g.members.map((m) => ({
              value: m.user,
              ...(m.display !== null ? { display: m.display } : {}),
              type: 'User',
              $ref: `${base}/Users/${m.user}`,
            })),
          }
        : {}),
      meta: {
        resourceType: 'Group',
        created: r.created.toISOString(),
        lastModified: g.lastModified.toISOString(),
        version: g.version,
        location: `${base}/Groups/${r.id}`,
      },
    };
  }

  private send(req: ScimRequest, reply: FastifyReply, g: LoadedGroup, status: number, q: ListQuery = {}): JsonObject {
    void reply.status(status).header('content-type', SCIM_CONTENT_TYPE).header('etag', g.version);
    return projectResource(this.render(req, g), groupResourceSchema, {
      attributes: q.attributes,
      excludedAttributes: q.excludedAttributes,
    });
  }

  @Post()
  @ApiOperation({
    summary: 'Create a group',
    description:
      'displayName (1–4000 characters) is required; members are SCIM-managed users of the team, given by `value` (`type` and `$ref` may be omitted). Any other member is a 400.',
  })
  @ApiBody({ schema: withExample(groupInputSchema, groupExample) })
  @ApiResponse({ status: 201, description: 'Created; Location and ETag headers', schema: withExample(groupSchema, groupResponseExample) })
  @ApiResponse(errors[400])
  @ApiResponse(errors[401])
  async create(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    const g = await this.groups.create(tokenOf(req).team, jsonBody(req));
    void reply.header('location', `${baseUrl(this.config, req)}/Groups/${g.group.id}`);
    return this.send(req, reply, g, 201, stringQuery(q));
  }

  @Get()
  @ApiOperation({
    summary: 'List or search groups',
    description:
      'Without a filter: every group of the team in a stable order. Every filter of RFC 7644 §3.4.2.2; `displayName eq`, `id eq` and `members.value eq` are keyed reads. Index paging (startIndex/count) or cursor paging (RFC 9865). `excludedAttributes=members` reads no members.',
  })
  @ApiListQueries(queryExamples)
  @ApiOkResponse({ schema: withExample(listSchema(groupSchema), groupListExample) })
  @ApiResponse(errors[400])
  @ApiResponse(errors[401])
  async list(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(tokenOf(req).team, stringQuery(q), (g) => this.render(req, g));
  }

  @Post('.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search groups with a POSTed SearchRequest (RFC 7644 §3.4.3)' })
  @ApiBody({ schema: withExample(searchRequestSchema, groupSearchExample) })
  @ApiOkResponse({ schema: withExample(listSchema(groupSchema), groupListExample) })
  @ApiResponse(errors[400])
  @ApiResponse(errors[401])
  async searchPost(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(tokenOf(req).team, queryFromSearchBody(jsonBody(req)), (g) => this.render(req, g));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a group',
    description: 'With If-None-Match equal to the current version: 304. `excludedAttributes=members` reads no members.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiQuery({ name: 'attributes', required: false, example: 'displayName' })
  @ApiQuery({ name: 'excludedAttributes', required: false, example: 'members' })
  @ApiOkResponse({ schema: withExample(groupSchema, groupResponseExample) })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match)' })
  @ApiResponse(errors[401])
  @ApiResponse(errors[404])
  async get(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const sq = stringQuery(q);
    const g = await this.groups.get(tokenOf(req).team, id, outputNeedsMembers(sq));
    const inm = header(req, 'if-none-match');
    if (inm !== undefined && inm.trim() !== '' && !ifNoneMatchPasses(inm, g.version)) {
      void reply.status(304).header('etag', g.version);
      return undefined;
    }
    return this.send(req, reply, g, 200, sq);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace a group',
    description: 'displayName, externalId and members are replaced wholesale; `id` and `meta` in the body are ignored.',
  })
  @ApiHeader(ifMatch)
  @ApiBody({ schema: withExample(groupInputSchema, groupExample) })
  @ApiOkResponse({ schema: withExample(groupSchema, groupResponseExample) })
  @ApiResponse(errors[400])
  @ApiResponse(errors[404])
  @ApiResponse(errors[412])
  async replace(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject> {
    const g = await this.groups.replace(tokenOf(req).team, id, jsonBody(req), preconditionsOf(req));
    return this.send(req, reply, g, 200, stringQuery(q));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Modify a group (RFC 7644 §3.5.2)',
    description:
      'Operations add/replace/remove in any case; `members` adds and removals (Entra\'s `Remove` with a value list removes only those), `members[value eq "…"]`, path-less replace. The group\'s attributes and member shapes are validated as PUT validates them, and all operations apply or none does; member values that are not SCIM users of the team are skipped (PUT refuses them). 200 with the group (as for users); 204 No Content with `Prefer: return=minimal`, or by default when `scim.patchResponse` is `minimal`.',
  })
  @ApiHeader(ifMatch)
  @ApiHeader(prefer)
  @ApiBody({ schema: withExample(patchOpSchema, groupPatchExample) })
  @ApiOkResponse({
    description: 'Applied: the group (ETag header carries the new version)',
    schema: withExample(groupSchema, groupResponseExample),
  })
  @ApiNoContentResponse({
    description: 'Applied, with Prefer: return=minimal or scim.patchResponse=minimal (ETag header carries the new version)',
  })
  @ApiResponse(errors[400])
  @ApiResponse(errors[404])
  @ApiResponse(errors[409])
  @ApiResponse(errors[412])
  async patch(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const team = tokenOf(req).team;
    const g = await this.groups.patch(team, id, jsonBody(req), preconditionsOf(req));
    const sq = stringQuery(q);
    if (!patchWantsResource(this.config, req, sq.attributes !== undefined || sq.excludedAttributes !== undefined)) {
      void reply.status(204).header('etag', g.version);
      return undefined;
    }
    const full = outputNeedsMembers(sq) ? await this.groups.get(team, g.group.id, true) : g;
    return this.send(req, reply, full, 200, sq);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a group',
    description: "Idempotent: 204 also for unknown ids and other teams' groups. Removes the member rows.",
  })
  @ApiHeader(ifMatch)
  @ApiNoContentResponse({ description: 'Deleted, or nothing to delete' })
  @ApiResponse(errors[401])
  @ApiResponse(errors[412])
  async delete(@Req() req: ScimRequest, @Param('id') id: string): Promise<void> {
    await this.groups.delete(tokenOf(req).team, id, preconditionsOf(req));
  }

  @Delete()
  @ApiOperation({ summary: 'Not allowed: DELETE needs a group id' })
  @ApiResponse({ status: 405, description: 'Method not allowed' })
  deleteAll(): never {
    throw new ScimError('method-not-allowed', 'DELETE /Groups needs a group id');
  }
}
