import type { JsonObject, JsonValue } from '../json';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export interface ServiceProviderFeatures {
  readonly documentationUri?: string;
  readonly patch: boolean;
  /**
   * The most operations one PatchOp may carry, advertised as `patch.maxOperations` after
   * `bulk.maxOperations` (RFC 7643 §5 has no such member; clients ignore members they do not know).
   */
  readonly patchMaxOperations?: number;
  readonly bulk: { readonly supported: boolean; readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly filter: { readonly supported: boolean; readonly maxResults: number };
  readonly sort: boolean;
  readonly etag: boolean;
  /** RFC 9865 cursor paging; advertised with the `pagination` member the RFC adds. */
  readonly pagination?: {
    readonly cursor: boolean;
    readonly index: boolean;
    readonly defaultPaginationMethod?: 'cursor' | 'index';
    readonly defaultPageSize?: number;
    readonly maxPageSize?: number;
    readonly cursorTimeout?: number;
  };
  /** Where the resource lives, for `meta.location`. */
  readonly location?: string;
}

/** RFC 7643 §5. changePassword is always false: passwords are never taken over SCIM (spar rejects them). */
export function buildServiceProviderConfig(f: ServiceProviderFeatures): JsonObject {
  const out: JsonObject = {
    schemas: [SPC_SCHEMA],
    patch: { supported: f.patch, ...(f.patchMaxOperations === undefined ? {} : { maxOperations: f.patchMaxOperations }) },
    bulk: { supported: f.bulk.supported, maxOperations: f.bulk.maxOperations, maxPayloadSize: f.bulk.maxPayloadSize },
    filter: { supported: f.filter.supported, maxResults: f.filter.maxResults },
    changePassword: { supported: false },
    sort: { supported: f.sort },
    etag: { supported: f.etag },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a SCIM token created by a team administrator, sent as "Authorization: Bearer <token>".',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', ...(f.location ? { location: f.location } : {}) },
  };
  if (f.documentationUri) out['documentationUri'] = f.documentationUri;
  if (f.pagination) out['pagination'] = { ...f.pagination };
  return out;
}

/** RFC 7643 §6; `baseUrl` (e.g. `https://host/scim/v2`) is only for `meta.location`. */
function buildResourceType(rs: ResourceSchema, baseUrl?: string): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rs.name,
    name: rs.name,
    endpoint: rs.endpoint,
    description: rs.description,
    schema: rs.core.id,
    schemaExtensions: rs.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', ...(baseUrl ? { location: `${baseUrl}/ResourceTypes/${rs.name}` } : {}) },
  };
}

export function buildResourceTypes(rss: readonly ResourceSchema[], baseUrl?: string): JsonObject[] {
  return rss.map((rs) => buildResourceType(rs, baseUrl));
}

function attributeJson(a: AttributeDefinition): JsonObject {
  const out: JsonObject = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.maxValues === undefined ? a.description : `${a.description} At most ${a.maxValues} values.`,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues) out['canonicalValues'] = [...a.canonicalValues];
  if (a.referenceTypes) out['referenceTypes'] = [...a.referenceTypes];
  if (a.subAttributes) out['subAttributes'] = a.subAttributes.map(attributeJson) as JsonValue[];
  return out;
}

/** One schema as served at `/Schemas/<id>` (RFC 7643 §7, §8.7). */
function buildSchemaResource(s: SchemaDefinition, baseUrl?: string): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(attributeJson),
    meta: { resourceType: 'Schema', ...(baseUrl ? { location: `${baseUrl}/Schemas/${s.id}` } : {}) },
  };
}

export function buildSchemaResources(schemas: readonly SchemaDefinition[], baseUrl?: string): JsonObject[] {
  return schemas.map((s) => buildSchemaResource(s, baseUrl));
}
