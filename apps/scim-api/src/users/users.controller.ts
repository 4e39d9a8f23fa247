import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Config } from '@sso/config';
import { CONFIG, type ScimRequest, ScimTokenGuard } from '@sso/platform';
import { type JsonObject, ScimError, projectResource, userResourceSchema } from '@sso/scim';
import { SCIM_CONTENT_TYPE } from '../common/scim-errors';
import { answeredPatchMinimal, baseUrl, jsonBody, tokenOf } from '../common/scim-http';
import { errors, listExample, patchExample, searchExample, userExample, userResponseExample } from './users.examples';
import { CreateUser } from './create-user';
import { DeleteUser } from './delete-user';
import { UpdateUser } from './update-user';
import { type LoadedUser, UserReader } from './user-reader';
import { UsersSearch } from './users.search';
import { type ListQuery, queryFromSearchBody, stringQuery } from '../common/list-query';
import { answeredNotModified, preconditionsOf } from '../common/preconditions';
import { userInputSchema, userSchema } from '../common/openapi-schemas';
import { scimRouteDocs } from '../common/scim-route-docs';

const docs = scimRouteDocs({
  noun: 'user',
  schema: userSchema,
  inputSchema: userInputSchema,
  inputExample: userExample,
  responseExample: userResponseExample,
  listExample,
  searchExample,
  patchExample,
  errors,
  queryExamples: {
    filter: 'userName eq "alice.smith"',
    startIndex: '1',
    count: '100',
    cursor: '',
    sortBy: 'userName',
    sortOrder: 'ascending',
    attributes: 'userName,emails',
    excludedAttributes: 'groups',
  },
});

/** SCIM 2.0 Users (RFC 7644 §3) with Wire's rules; the token's team scopes everything. */
@ApiTags('scim-users')
@ApiBearerAuth()
@Controller(['scim/v2/Users', 'scim/v2/users'])
@UseGuards(ScimTokenGuard)
export class UsersController {
  constructor(
    @Inject(UserReader) private readonly users: UserReader,
    @Inject(CreateUser) private readonly creates: CreateUser,
    @Inject(UpdateUser) private readonly updates: UpdateUser,
    @Inject(DeleteUser) private readonly deletes: DeleteUser,
    @Inject(UsersSearch) private readonly search: UsersSearch,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Users of the validated cache as rendered (frozen like the entry they come from), so that list
   * pages of cached users render each once, not on every page; keyed weakly by the entry.
   */
  private readonly rendered = new WeakMap<LoadedUser, JsonObject>();

  private render(req: ScimRequest, u: LoadedUser): JsonObject {
    const location = `${baseUrl(this.config, req)}/Users/${u.user.id}`;
    const kept = this.rendered.get(u);
    if (kept && (kept['meta'] as JsonObject)['location'] === location) return kept;
    const r: JsonObject = {
      ...u.doc,
      id: u.user.id,
      meta: {
        resourceType: 'User',
        created: u.created.toISOString(),
        lastModified: u.lastModified.toISOString(),
        version: u.version,
        location,
      },
    };
    // Only cache entries are shared between requests (and frozen by the cache).
    if (Object.isFrozen(u)) this.rendered.set(u, Object.freeze(r));
    return r;
  }

  private send(req: ScimRequest, reply: FastifyReply, u: LoadedUser, status: number, q: ListQuery = {}): JsonObject {
    const r = this.render(req, u);
    void reply.status(status).header('content-type', SCIM_CONTENT_TYPE).header('etag', u.version);
    return projectResource(r, userResourceSchema, { attributes: q.attributes, excludedAttributes: q.excludedAttributes });
  }

  @Post()
  @docs.create(
    {
      summary: 'Create a user',
      description: 'userName becomes the Wire handle (lowercase, unique ignoring case); externalId is required and unique in the team.',
    },
    [400, 401, 409, 413],
  )
  async create(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    const u = await this.creates.create(tokenOf(req), jsonBody(req));
    void reply.header('location', `${baseUrl(this.config, req)}/Users/${u.user.id}`);
    return this.send(req, reply, u, 201, q);
  }

  @Get()
  @docs.list({
    summary: 'List or search users',
    description:
      "Every filter of RFC 7644 §3.4.2.2 on every attribute /Schemas lists (password and unknown attributes are 400 invalidFilter); equality on id, userName or externalId is a keyed lookup, `groups.value eq` / `groups.display eq` read the group's members, other filters page through the team. `groups` appear on list pages only when `attributes` names them. Without a filter: every SCIM user of the team in a stable order. Index paging (startIndex/count, exact totalResults) or cursor paging (RFC 9865: cursor= for the first page, then nextCursor; without sortBy the pages follow the team in Cassandra order and carry no totalResults, count=0 returns it); count is capped at filter.maxResults.",
  })
  async list(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() q: ListQuery): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(
      tokenOf(req).team,
      stringQuery(q),
      (u) => this.render(req, u),
      (gid) => `${baseUrl(this.config, req)}/Groups/${gid}`,
    );
  }

  @Post('.search')
  @HttpCode(200)
  @docs.search({ summary: 'Search users with a POSTed SearchRequest (RFC 7644 §3.4.3)' })
  async searchPost(@Req() req: ScimRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<JsonObject> {
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    return this.search.list(
      tokenOf(req).team,
      queryFromSearchBody(jsonBody(req)),
      (u) => this.render(req, u),
      (gid) => `${baseUrl(this.config, req)}/Groups/${gid}`,
    );
  }

  @Get(':id')
  @docs.get(
    {
      summary: 'Get a user',
      description:
        'With If-None-Match equal to the current version: 304. Only here (not in lists) does the user show its readOnly `groups`. Team members that SSO login created are shown too (userName is their id while they have no handle), without a write; the first PUT or PATCH takes them over.',
    },
    { attributes: 'userName,emails', excludedAttributes: 'roles' },
  )
  async get(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const token = tokenOf(req);
    const sq = stringQuery(q);
    const wanted = projectResource({ schemas: [], groups: [{ value: 'x' }] }, userResourceSchema, {
      attributes: sq.attributes,
      excludedAttributes: sq.excludedAttributes,
    });
    const { user: u, groups: found } = await this.users.getWithGroups(token, id, wanted['groups'] !== undefined);
    if (answeredNotModified(req, reply, u.version)) return undefined;
    if (found === null) return this.send(req, reply, u, 200, sq);
    const base = baseUrl(this.config, req);
    const groups = found.map((g) => ({
      value: g.id,
      display: g.displayName,
      $ref: `${base}/Groups/${g.id}`,
      type: 'direct',
    }));
    return this.send(req, reply, groups.length > 0 ? { ...u, doc: { ...u.doc, groups } } : u, 200, sq);
  }

  @Put(':id')
  @docs.replace(
    {
      summary: 'Replace a user',
      description: 'The whole resource (Okta sends the full object); readOnly attributes in the body are ignored.',
    },
    [400, 404, 409, 412, 413],
  )
  async replace(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject> {
    const u = await this.updates.replace(tokenOf(req), id, jsonBody(req), preconditionsOf(req));
    return this.send(req, reply, u, 200, stringQuery(q));
  }

  @Patch(':id')
  @docs.patch({
    summary: 'Modify a user (RFC 7644 §3.5.2)',
    description:
      'Operations add/replace/remove in any case, value paths, path-less replace with dotted and URN keys (Entra), string booleans, rich info fields by key (`urn:wire:scim:schemas:profile:1.0:<type>` or `urn:ietf:params:scim:schemas:extension:wire:1.0:User:<type>`). The result is validated as PUT validates a user; all operations apply or none does. 200 with the user (as spar); 204 No Content with `Prefer: return=minimal`, or by default when `scim.patchResponse` is `minimal`.',
  })
  async patch(
    @Req() req: ScimRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query() q: ListQuery,
  ): Promise<JsonObject | undefined> {
    const u = await this.updates.patch(tokenOf(req), id, jsonBody(req), preconditionsOf(req));
    const sq = stringQuery(q);
    if (answeredPatchMinimal(this.config, req, reply, sq, u.version)) return undefined;
    return this.send(req, reply, u, 200, sq);
  }

  @Delete(':id')
  @HttpCode(204)
  @docs.delete({ summary: 'Delete a user', description: "Idempotent: 204 also for unknown ids and other teams' users (nothing leaks)." })
  async delete(@Req() req: ScimRequest, @Param('id') id: string): Promise<void> {
    await this.deletes.delete(tokenOf(req), id, preconditionsOf(req));
  }

  @Delete()
  @ApiOperation({ summary: 'Not allowed: DELETE needs a user id' })
  @ApiResponse({
    status: 405,
    description: 'Method not allowed',
    schema: {
      example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '405', detail: 'DELETE /Users needs a user id' },
    },
  })
  deleteAll(): never {
    throw new ScimError('method-not-allowed', 'DELETE /Users needs a user id');
  }
}
