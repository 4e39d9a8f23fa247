import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

/** An attribute found by name: where it lives in the JSON and what the schema says about it. */
export interface ResolvedAttribute {
  /** The schema that defines it; common attributes (id, externalId, meta) belong to the core one. */
  readonly schema: SchemaDefinition;
  /** True when the attribute lives under the schema URN key in JSON (extension attributes). */
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
  /** Canonical spelling: `name.givenName`, or `<urn>:manager.value` for extension attributes. */
  readonly canonical: string;
}

export interface AttributePathParts {
  readonly uri?: string | undefined;
  readonly attr: string;
  readonly sub?: string | undefined;
}

const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** All schemas of a resource type: core first, then extensions. */
function schemasOf(rs: ResourceSchema): SchemaDefinition[] {
  return [rs.core, ...rs.extensions.map((e) => e.schema)];
}

/** The core or extension schema whose id equals `urn` (any case). */
export function resolveSchemaUrn(rs: ResourceSchema, urn: string): SchemaDefinition | undefined {
  return schemasOf(rs).find((s) => eqi(s.id, urn));
}

export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  return parent.subAttributes?.find((a) => eqi(a.name, name));
}

function findIn(schema: SchemaDefinition, name: string): AttributeDefinition | undefined {
  const found = schema.attributes.find((a) => eqi(a.name, name));
  if (found) return found;
  // Open schemas (Wire's free key/value map) accept any key; the key keeps the case it was given.
  return schema.openAttributes ? { ...schema.openAttributes, name } : undefined;
}

/**
 * Splits `urn:...:User:name.givenName` into URN, attribute and sub-attribute. Known schema URNs
 * are matched first, since URNs themselves contain dots (`...:enterprise:2.0:User`) and an open
 * schema's keys may contain dots too; an unknown URN is split at its last colon.
 */
export function splitAttributeText(rs: ResourceSchema | undefined, text: string): AttributePathParts {
  if (/^urn:/i.test(text)) {
    const known = rs ? schemasOf(rs).find((s) => text.toLowerCase().startsWith(s.id.toLowerCase() + ':')) : undefined;
    if (known) {
      const rest = text.slice(known.id.length + 1);
      if (known.openAttributes) return { uri: known.id, attr: rest };
      const dot = rest.indexOf('.');
      return dot < 0 ? { uri: known.id, attr: rest } : { uri: known.id, attr: rest.slice(0, dot), sub: rest.slice(dot + 1) };
    }
    const colon = text.lastIndexOf(':');
    const rest = text.slice(colon + 1);
    const dot = rest.indexOf('.');
    const uri = text.slice(0, colon);
    return dot < 0 ? { uri, attr: rest } : { uri, attr: rest.slice(0, dot), sub: rest.slice(dot + 1) };
  }
  const dot = text.indexOf('.');
  return dot < 0 ? { attr: text } : { attr: text.slice(0, dot), sub: text.slice(dot + 1) };
}

/**
 * Finds an attribute by URN, name and sub-attribute, all case-insensitive. Without a URN the
 * common and core attributes win; an extension attribute is found by its bare name only when
 * exactly one extension defines it (clients send `department` for the enterprise one).
 */
export function resolvePath(rs: ResourceSchema, parts: AttributePathParts): ResolvedAttribute | undefined {
  let schema: SchemaDefinition | undefined;
  let attribute: AttributeDefinition | undefined;
  if (parts.uri !== undefined) {
    schema = resolveSchemaUrn(rs, parts.uri);
    if (!schema) return undefined;
    attribute = findIn(schema, parts.attr) ?? (schema === rs.core ? rs.common.find((a) => eqi(a.name, parts.attr)) : undefined);
    // An open schema's key may contain dots: `urn:...:wire:1.0:User:a.b` is the key "a.b".
    if (schema.openAttributes && parts.sub !== undefined) {
      return resolvePath(rs, { uri: parts.uri, attr: `${parts.attr}.${parts.sub}` });
    }
  } else {
    attribute = rs.common.find((a) => eqi(a.name, parts.attr)) ?? rs.core.attributes.find((a) => eqi(a.name, parts.attr));
    if (attribute) schema = rs.core;
    else {
      const hits = rs.extensions
        .map((e) => ({ s: e.schema, a: e.schema.attributes.find((a) => eqi(a.name, parts.attr)) }))
        .filter((h) => h.a !== undefined);
      if (hits.length === 1) ({ s: schema, a: attribute } = hits[0] as { s: SchemaDefinition; a: AttributeDefinition });
    }
  }
  if (!schema || !attribute) return undefined;
  const extension = schema !== rs.core;
  let subAttribute: AttributeDefinition | undefined;
  if (parts.sub !== undefined) {
    subAttribute = findSubAttribute(attribute, parts.sub);
    if (!subAttribute) return undefined;
  }
  const local = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
  return {
    schema,
    extension,
    attribute,
    ...(subAttribute ? { subAttribute } : {}),
    canonical: extension ? `${schema.id}:${local}` : local,
  };
}

/** `resolvePath` on text: `userName`, `NAME.givenname`, `urn:...:enterprise:2.0:User:manager.value`. */
export function resolveAttribute(rs: ResourceSchema, text: string): ResolvedAttribute | undefined {
  return resolvePath(rs, splitAttributeText(rs, text));
}
