import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Config } from '@sso/config';
import { CONFIG, type ScimRequest, ScimTokenGuard } from '@sso/platform';
import { GROUP_SCHEMA, type JsonObject, ScimError, groupResourceSchema, projectResource } from '@sso/scim';
import { type ListQuery, queryFromSearchBody, stringQuery } from '../common/list-query';
import { groupInputSchema, groupSchema } from '../common/openapi-schemas';
import { scimRouteDocs } from '../common/scim-route-docs';
import { SCIM_CONTENT_TYPE } from '../common/scim-errors';
import { answeredPatchMinimal, baseUrl, jsonBody, tokenOf } from '../common/scim-http';
import { answeredNotModified, preconditionsOf } from '../common/preconditions';
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

const docs = scimRouteDocs({
  noun: 'group',
  schema: groupSchema,
  inputSchema: groupInputSchema,
  inputExample: groupExample,
  responseExample: groupResponseExample,
  listExample: groupListExample,
  searchExample: groupSearchExample,
  patchExample: groupPatchExample,
  errors,
  queryExamples: {
    filter: 'displayName eq "Sales"',
    startIndex: '1',
    count: '100',
    cursor: '',
    sortBy: 'displayName',
    sortOrder: 'ascending',
    attributes: 'displayName',
    excludedAttributes: 'members',
  },
});

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
  @docs.create(
    {
      summary: 'Create a group',
      description:
        'displayName (1–4000 characters) is required; members are SCIM-managed users of the team, given by `value` (`type` and `$ref` may be omitted). Any other member is a 400.',
    },
    [400, 401],
  )
  async create(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    const g = await this.groups.create(tokenOf(req).team, jsonBody(req));
    void reply.header('location', `${baseUrl(this.config, req)}/Groups/${g.group.id}`);
    return this.send(req, reply, g, 201, stringQuery(q));
  }

  @Get()
  @docs.list({
    summary: 'List or search groups',
    description:
      'Without a filter: every group of the team in a stable order. Every filter of RFC 7644 §3.4.2.2; `displayName eq`, `id eq` and `members.value eq` are keyed reads. Index paging (startIndex/count) or cursor paging (RFC 9865). `excludedAttributes=members` reads no members.',
  })
  async list(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(tokenOf(req).team, stringQuery(q), (g) => this.render(req, g));
  }

  @Post('.search')
  @HttpCode(200)
  @docs.search({ summary: 'Search groups with a POSTed SearchRequest (RFC 7644 §3.4.3)' })
  async searchPost(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(tokenOf(req).team, queryFromSearchBody(jsonBody(req)), (g) => this.render(req, g));
  }

  @Get(':id')
  @docs.get(
    {
      summary: 'Get a group',
      description: 'With If-None-Match equal to the current version: 304. `excludedAttributes=members` reads no members.',
    },
    { attributes: 'displayName', excludedAttributes: 'members' },
  )
  async get(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const sq = stringQuery(q);
    const g = await this.groups.get(tokenOf(req).team, id, outputNeedsMembers(sq));
    if (answeredNotModified(req, reply, g.version)) return undefined;
    return this.send(req, reply, g, 200, sq);
  }

  @Put(':id')
  @docs.replace(
    {
      summary: 'Replace a group',
      description: 'displayName, externalId and members are replaced wholesale; `id` and `meta` in the body are ignored.',
    },
    [400, 404, 412],
  )
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
  @docs.patch({
    summary: 'Modify a group (RFC 7644 §3.5.2)',
    description:
      'Operations add/replace/remove in any case; `members` adds and removals (Entra\'s `Remove` with a value list removes only those), `members[value eq "…"]`, path-less replace. The group\'s attributes and member shapes are validated as PUT validates them, and all operations apply or none does; member values that are not SCIM users of the team are skipped (PUT refuses them). 200 with the group (as for users); 204 No Content with `Prefer: return=minimal`, or by default when `scim.patchResponse` is `minimal`.',
  })
  async patch(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const team = tokenOf(req).team;
    const g = await this.groups.patch(team, id, jsonBody(req), preconditionsOf(req));
    const sq = stringQuery(q);
    if (answeredPatchMinimal(this.config, req, reply, sq, g.version)) return undefined;
    const full = outputNeedsMembers(sq) ? await this.groups.get(team, g.group.id, true) : g;
    return this.send(req, reply, full, 200, sq);
  }

  @Delete(':id')
  @HttpCode(204)
  @docs.delete({
    summary: 'Delete a group',
    description: "Idempotent: 204 also for unknown ids and other teams' groups. Removes the member rows.",
  })
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
