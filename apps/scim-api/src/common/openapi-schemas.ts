/**
 * OpenAPI schemas of the SCIM bodies, as loose as the service is: attributes the service writes
 * itself are typed (id, meta, schemas, userName, active, …); the multi-valued attributes a client
 * sent are stored and returned as sent, so only their container is typed. Extension attributes
 * are allowed (additionalProperties). `attributes`/`excludedAttributes` may drop anything but
 * `id` and `schemas` (RFC 7643 §7 "returned: always").
 */
type Schema = Record<string, unknown>;

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const objects = { type: 'array', items: { type: 'object' } };
/** What a client sent as null stays null (RFC 7643 §2.5: null and unassigned are the same state). */
const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

const meta = {
  type: 'object',
  properties: {
    resourceType: str,
    created: { type: 'string', format: 'date-time' },
    lastModified: { type: 'string', format: 'date-time' },
    version: str,
    location: str,
  },
};

export const userSchema: Schema = {
  type: 'object',
  required: ['schemas', 'id'],
  properties: {
    schemas: strings,
    id: str,
    externalId: str,
    userName: str,
    displayName: str,
    name: nullable({ type: 'object' }),
    emails: nullable(objects),
    phoneNumbers: nullable(objects),
    roles: nullable({ type: 'array', items: {}, description: 'Objects with a value, or plain strings (as spar takes them)' }),
    groups: { ...objects, description: 'readOnly: only when one user is read' },
    preferredLanguage: { type: 'string', nullable: true },
    active: { type: 'boolean' },
    meta,
  },
};

export const groupSchema: Schema = {
  type: 'object',
  required: ['schemas', 'id'],
  properties: {
    schemas: strings,
    id: str,
    externalId: str,
    displayName: str,
    // Each member: value (the user id), display, type and `$ref` (its URL).
    members: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: str, display: str, type: str } } },
    meta,
  },
};

/** RFC 7644 §3.4.2 ListResponse; cursor pages (RFC 9865) may leave out totalResults and startIndex. */
export function listSchema(item: Schema): Schema {
  return {
    type: 'object',
    required: ['schemas', 'Resources'],
    properties: {
      schemas: strings,
      totalResults: { type: 'integer', minimum: 0 },
      itemsPerPage: { type: 'integer', minimum: 0 },
      startIndex: { type: 'integer', minimum: 1 },
      nextCursor: str,
      previousCursor: str,
      Resources: { type: 'array', items: item },
    },
  };
}

/** Request bodies: what the service reads; it refuses the rest with 400 in its own words. */
export const userInputSchema: Schema = {
  type: 'object',
  required: ['userName'],
  properties: {
    schemas: strings,
    userName: str,
    externalId: str,
    displayName: str,
    active: { type: 'boolean' },
    emails: objects,
    name: { type: 'object' },
  },
};

export const groupInputSchema: Schema = {
  type: 'object',
  required: ['displayName'],
  properties: {
    schemas: strings,
    displayName: str,
    externalId: str,
    members: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: str } } },
  },
};

export const patchOpSchema: Schema = {
  type: 'object',
  required: ['schemas', 'Operations'],
  properties: {
    schemas: strings,
    Operations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op'],
        properties: { op: { type: 'string', description: 'add, replace or remove, in any case' }, path: str, value: {} },
      },
    },
  },
};

export const searchRequestSchema: Schema = {
  type: 'object',
  properties: {
    schemas: strings,
    filter: str,
    attributes: strings,
    excludedAttributes: strings,
    sortBy: str,
    sortOrder: { type: 'string', enum: ['ascending', 'descending'] },
    startIndex: { type: 'integer' },
    count: { type: 'integer' },
    cursor: str,
  },
};

export const discoveryResourceSchema: Schema = {
  type: 'object',
  required: ['schemas', 'id'],
  properties: { schemas: strings, id: str, name: str, meta },
};

export const serviceProviderConfigSchema: Schema = {
  type: 'object',
  required: ['schemas', 'patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'],
  properties: {
    schemas: strings,
    patch: { type: 'object', required: ['supported'], properties: { supported: { type: 'boolean' } } },
    bulk: {
      type: 'object',
      required: ['supported'],
      properties: { supported: { type: 'boolean' }, maxOperations: { type: 'integer' }, maxPayloadSize: { type: 'integer' } },
    },
    filter: { type: 'object', required: ['supported'], properties: { supported: { type: 'boolean' }, maxResults: { type: 'integer' } } },
    changePassword: { type: 'object', required: ['supported'], properties: { supported: { type: 'boolean' } } },
    sort: { type: 'object', required: ['supported'], properties: { supported: { type: 'boolean' } } },
    etag: { type: 'object', required: ['supported'], properties: { supported: { type: 'boolean' } } },
    pagination: { type: 'object' },
    authenticationSchemes: objects,
    meta,
  },
};

/** A schema with its example, for `@ApiResponse({ schema })` and `@ApiBody({ schema })`. */
export const withExample = (schema: Schema, example: unknown): Schema => ({ ...schema, example });
