import type { OpenAPIObject } from '@nestjs/swagger';
import { scimTypes } from '@sso/domain';
import { MAX_API_VERSION } from './api-version';

/*
 * What every route answers because of the platform, not because of its controller: a bearer guard
 * answers 401, body parsing answers 400/413/415, errors come in the Wire shape (RFC 7644 under
 * /scim/v2, as application/scim+json). Controllers document their own statuses; `finishDocument`
 * adds these and gives every error response its schema, so the document matches the service
 * (e2e/schemathesis.spec.ts checks it against the running apps).
 */

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
  example?: unknown;
  examples?: unknown;
}
interface Response {
  description: string;
  content?: Record<string, MediaType>;
  headers?: unknown;
}
interface Operation {
  operationId?: string;
  description?: string;
  security?: unknown[];
  parameters?: Array<{ in?: string }>;
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export const SCIM_MEDIA_TYPE = 'application/scim+json';
const SCIM_PATH = /^\/scim\/v2(\/|$)/;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export const wireErrorSchema = {
  type: 'object',
  description: "Wire's error body: the HTTP status, a stable label to branch on, and a message for people.",
  required: ['code', 'label', 'message'],
  properties: {
    code: { type: 'integer', example: 404 },
    label: { type: 'string', example: 'not-found' },
    message: { type: 'string', example: 'Could not find IdP.' },
  },
};

export const scimErrorSchema = {
  type: 'object',
  description: 'RFC 7644 §3.12 error body.',
  required: ['schemas', 'status', 'detail'],
  properties: {
    schemas: { type: 'array', items: { type: 'string', enum: ['urn:ietf:params:scim:api:messages:2.0:Error'] } },
    status: { type: 'string', description: 'The HTTP status, as a string', example: '404' },
    scimType: { type: 'string', enum: [...scimTypes] },
    detail: { type: 'string', example: 'User 0f4c2c0e-2b8c-4a5e-9a7e-3c1d2b4a5e6f not found' },
  },
};

const generic = {
  wire: {
    400: 'Invalid input (`bad-request`): malformed JSON, or a parameter or body the route refuses',
    401: '`missing-auth` (no bearer token) or `invalid-token`',
    413: '`payload-too-large`: the body is above `http.bodyLimit`',
    415: '`unsupported-media-type`: a body in a media type the route does not take',
  },
  scim: {
    400: 'Invalid input: malformed JSON (`invalidSyntax`) or a value the route refuses',
    401: 'No SCIM token, or an unknown one',
    413: 'The body is above `http.bodyLimit`',
    415: 'A body that is neither application/scim+json nor application/json',
  },
} as const;

/** The per-token rate limit of every SCIM route behind the token guard (libs/platform/src/scim-token.guard.ts). */
function scimRateLimited(): Response {
  return {
    description: 'Too many requests with this SCIM token (`scim.tokenRateLimit` per second per replica); retry after `Retry-After` seconds',
    headers: {
      'Retry-After': { description: 'Whole seconds until the token may make a request again', schema: { type: 'integer', example: 1 } },
    },
    content: {
      [SCIM_MEDIA_TYPE]: {
        schema: { $ref: '#/components/schemas/ScimError' },
        example: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '429',
          detail: 'Too many requests with this SCIM token; retry after the number of seconds in Retry-After',
        },
      },
    },
  };
}

const isError = (status: string) => /^[45]\d\d$/.test(status);
const hasType = (schema: Json | undefined) =>
  schema !== undefined && ('type' in schema || '$ref' in schema || 'oneOf' in schema || 'anyOf' in schema || 'allOf' in schema);

/** Nest lists a route with several paths once per path, as `Controller_method[i]`. */
function collapseAliases(doc: OpenAPIObject): void {
  const canonical = new Map<string, { op: Operation; aliases: string[] }>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      const m = op?.operationId?.match(/^(.*)\[(\d+)\]$/);
      if (!op || !m) continue;
      const key = `${method} ${m[1]}`;
      const seen = canonical.get(key);
      if (seen) {
        seen.aliases.push(path);
        delete (item as Record<string, unknown>)[method];
      } else {
        op.operationId = m[1];
        canonical.set(key, { op, aliases: [] });
      }
    }
    if (!METHODS.some((method) => method in item)) delete doc.paths[path];
  }
  for (const { op, aliases } of canonical.values()) {
    if (aliases.length === 0) continue;
    const list = aliases.map((a) => `\`${a}\``).join(', ');
    op.description = `${op.description ? `${op.description}\n\n` : ''}Also answers at ${list} (the same route, for clients that spell the path so).`;
  }
}

function errorContent(scim: boolean, given: MediaType | undefined): Record<string, MediaType> {
  const example = given?.example ?? given?.schema?.['example'];
  const media: MediaType = { schema: { $ref: `#/components/schemas/${scim ? 'ScimError' : 'WireError'}` } };
  if (example !== undefined) media.example = example;
  return { [scim ? SCIM_MEDIA_TYPE : 'application/json']: media };
}

function finishOperation(path: string, op: Operation): void {
  const scim = SCIM_PATH.test(path);
  const texts = scim ? generic.scim : generic.wire;
  const add = (status: 400 | 401 | 413 | 415) => (op.responses[status] ??= { description: texts[status] });
  if (op.security && op.security.length > 0) add(401);
  if (scim && op.security && op.security.length > 0) op.responses[429] ??= scimRateLimited();
  const body = op.requestBody?.content;
  if (body) {
    add(400);
    add(413);
    add(415);
    if (scim && body['application/json'] && !body[SCIM_MEDIA_TYPE]) body[SCIM_MEDIA_TYPE] = body['application/json'];
  }
  hoistExamples(op.requestBody?.content);
  for (const [status, res] of Object.entries(op.responses)) {
    hoistExamples(res.content);
    const content = res.content;
    if (isError(status)) {
      // Routes with their own error rendering (HTML pages, typed bodies) keep what they say.
      const types = Object.keys(content ?? {});
      const json = content?.['application/json'];
      if (types.length === 0 || (types.length === 1 && json && !hasType(json.schema))) res.content = errorContent(scim, json);
    } else if (scim && content?.['application/json'] && !content[SCIM_MEDIA_TYPE]) {
      content[SCIM_MEDIA_TYPE] = content['application/json'];
      delete content['application/json'];
    }
  }
}

/**
 * Examples go beside the schema (the media type's `example`), not inside it: a JSON reference
 * resolver reads a SCIM member's `"$ref": "https://…"` inside a schema as a reference to fetch.
 */
function hoistExamples(content: Record<string, MediaType> | undefined): void {
  for (const media of Object.values(content ?? {})) {
    if (media.schema && 'example' in media.schema && media.example === undefined && media.examples === undefined) {
      const { example, ...schema } = media.schema;
      media.schema = schema;
      media.example = example;
    }
  }
}

/** Aliases collapsed, platform statuses added, error schemas attached. Mutates and returns `doc`. */
export function finishDocument(doc: OpenAPIObject): OpenAPIObject {
  collapseAliases(doc);
  doc.info.description =
    `${doc.info.description ?? ''}\n\nEvery public path also answers under a Wire API version prefix, \`/v0\` to \`/v${MAX_API_VERSION}\`; without one it is version 0 (some routes exist from a later version on, as they say). Internal \`/i/\` routes are not listed.`.trim();
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, WireError: wireErrorSchema, ScimError: scimErrorSchema } as never;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (op) finishOperation(path, op);
    }
  }
  return doc;
}
