import { Controller, Delete, Get, Header, Inject, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@sso/config';
import { CONFIG } from '@sso/platform';
import {
  type JsonObject,
  ScimError,
  allSchemas,
  buildResourceTypes,
  buildSchemaResources,
  buildServiceProviderConfig,
  groupResourceSchema,
  listResponse,
  scimLimits,
  userResourceSchema,
} from '@sso/scim';
import { SCIM_CONTENT_TYPE } from '../common/scim-errors';
import { baseUrl } from '../common/scim-http';
import { CURSOR_TTL_SECONDS, DEFAULT_COUNT } from '../common/limits';
import { bulkLimits } from '../bulk/bulk-limits';
import { discoveryResourceSchema, listSchema, serviceProviderConfigSchema } from '../common/openapi-schemas';

/** What this service serves: Users first (Microsoft's suite reads Resources[0] as /Users), then Groups (Bulk is an endpoint, not a resource type). */
const resourceTypes = [userResourceSchema, groupResourceSchema];
const schemas = allSchemas;

const notFound = (what: string) => new ScimError('not-found', `${what} not found`);

/** Every discovery path, in the spellings served: the writes on them are 405, not 404. */
const DISCOVERY_PATHS = [
  'ServiceProviderConfig',
  'serviceConfiguration',
  'serviceproviderconfig',
  'ServiceConfiguration',
  'Schemas',
  'schemas',
  'Schemas/:id',
  'schemas/:id',
  'ResourceTypes',
  'resourcetypes',
  'resourceTypes',
  'ResourceTypes/:id',
  'resourcetypes/:id',
  'resourceTypes/:id',
];
const notAllowedResponse = {
  status: 405,
  description: 'Discovery is read-only (Allow: GET)',
  schema: {
    example: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '405',
      detail: 'POST is not allowed on /scim/v2/Schemas: discovery endpoints are read-only (GET)',
    },
  },
};

/** RFC 7644 §4 discovery, without authentication (as spar serves it). */
@ApiTags('scim-discovery')
@Controller(['scim/v2', 'scim/V2'])
export class DiscoveryController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  private spc(req: FastifyRequest): JsonObject {
    const base = baseUrl(this.config, req);
    return buildServiceProviderConfig({
      patch: true,
      patchMaxOperations: scimLimits.operationsPerPatch,
      bulk: (() => {
        const b = bulkLimits(this.config);
        return b.maxOperations === 0 ? { supported: false, maxOperations: 0, maxPayloadSize: 0 } : { supported: true, ...b };
      })(),
      filter: { supported: true, maxResults: this.config.scim.maxResults },
      sort: true,
      etag: true,
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: DEFAULT_COUNT,
        maxPageSize: this.config.scim.maxResults,
        cursorTimeout: CURSOR_TTL_SECONDS,
      },
      location: `${base}/ServiceProviderConfig`,
    });
  }

  @Get(['ServiceProviderConfig', 'serviceConfiguration', 'serviceproviderconfig', 'ServiceConfiguration'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  @ApiOperation({
    summary: 'What this service supports (RFC 7643 §5)',
    description: 'Also served at /scim/v2/serviceConfiguration, where the Microsoft SCIM validator looks.',
  })
  @ApiOkResponse({
    description: 'The ServiceProviderConfig',
    schema: {
      ...serviceProviderConfigSchema,
      example: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true, maxOperations: 1000 },
        bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        pagination: {
          cursor: true,
          index: true,
          defaultPaginationMethod: 'index',
          defaultPageSize: 100,
          maxPageSize: 1000,
          cursorTimeout: 600,
        },
      },
    },
  })
  serviceProviderConfig(@Req() req: FastifyRequest): JsonObject {
    return this.spc(req);
  }

  @Get(['Schemas', 'schemas'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  @ApiOperation({ summary: 'The schemas of the served resources (RFC 7643 §7), as a ListResponse' })
  @ApiOkResponse({
    schema: {
      ...listSchema(discoveryResourceSchema),
      example: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 5,
        itemsPerPage: 5,
        startIndex: 1,
        Resources: [{ id: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'User' }],
      },
    },
  })
  schemas(@Req() req: FastifyRequest): JsonObject {
    const all = buildSchemaResources(schemas, baseUrl(this.config, req));
    return listResponse({ resources: all, totalResults: all.length, startIndex: 1 });
  }

  @Get(['Schemas/:id', 'schemas/:id'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  @ApiOperation({ summary: 'One schema by its URN' })
  @ApiParam({ name: 'id', example: 'urn:ietf:params:scim:schemas:core:2.0:User' })
  @ApiOkResponse({
    schema: {
      ...discoveryResourceSchema,
      example: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        id: 'urn:ietf:params:scim:schemas:core:2.0:User',
        name: 'User',
        attributes: [],
      },
    },
  })
  @ApiResponse({
    status: 404,
    description: 'Unknown schema',
    schema: { example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Schema urn:x not found' } },
  })
  schema(@Req() req: FastifyRequest, @Param('id') id: string): JsonObject {
    const found = schemas.find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!found) throw notFound(`Schema ${id}`);
    return buildSchemaResources([found], baseUrl(this.config, req))[0]!;
  }

  @Get(['ResourceTypes', 'resourcetypes', 'resourceTypes'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  @ApiOperation({ summary: 'The resource types served (RFC 7643 §6), as a ListResponse' })
  @ApiOkResponse({
    schema: {
      ...listSchema(discoveryResourceSchema),
      example: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 2,
        itemsPerPage: 2,
        startIndex: 1,
        Resources: [
          { id: 'User', name: 'User', endpoint: '/Users' },
          { id: 'Group', name: 'Group', endpoint: '/Groups' },
        ],
      },
    },
  })
  resourceTypes(@Req() req: FastifyRequest): JsonObject {
    const all = buildResourceTypes(resourceTypes, baseUrl(this.config, req));
    return listResponse({ resources: all, totalResults: all.length, startIndex: 1 });
  }

  @Get(['ResourceTypes/:id', 'resourcetypes/:id', 'resourceTypes/:id'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  @ApiOperation({ summary: 'One resource type by name' })
  @ApiParam({ name: 'id', example: 'User' })
  @ApiOkResponse({
    schema: {
      ...discoveryResourceSchema,
      example: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      },
    },
  })
  @ApiResponse({
    status: 404,
    description: 'Unknown resource type',
    schema: {
      example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'ResourceType Device not found' },
    },
  })
  resourceType(@Req() req: FastifyRequest, @Param('id') id: string): JsonObject {
    const found = resourceTypes.find((r) => r.name.toLowerCase() === id.toLowerCase());
    if (!found) throw notFound(`ResourceType ${id}`);
    return buildResourceTypes([found], baseUrl(this.config, req))[0]!;
  }

  /** RFC 7644 §3.12: a method the endpoint does not support is 405 with an error body. */
  private notAllowed(req: FastifyRequest, reply: FastifyReply): never {
    void reply.header('allow', 'GET');
    const path = req.url.split('?')[0];
    throw new ScimError('method-not-allowed', `${req.method} is not allowed on ${path}: discovery endpoints are read-only (GET)`);
  }

  @Post(DISCOVERY_PATHS)
  @ApiOperation({ summary: 'Not allowed: discovery endpoints are read-only' })
  @ApiResponse(notAllowedResponse)
  post(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    return this.notAllowed(req, reply);
  }

  @Put(DISCOVERY_PATHS)
  @ApiOperation({ summary: 'Not allowed: discovery endpoints are read-only' })
  @ApiResponse(notAllowedResponse)
  put(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    return this.notAllowed(req, reply);
  }

  @Patch(DISCOVERY_PATHS)
  @ApiOperation({ summary: 'Not allowed: discovery endpoints are read-only' })
  @ApiResponse(notAllowedResponse)
  patch(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    return this.notAllowed(req, reply);
  }

  @Delete(DISCOVERY_PATHS)
  @ApiOperation({ summary: 'Not allowed: discovery endpoints are read-only' })
  @ApiResponse(notAllowedResponse)
  delete(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    return this.notAllowed(req, reply);
  }
}
