import { ScimError } from './errors';
import { findKey, isObject, type JsonObject, type JsonValue } from './json';
import { scimLimits, tooManyValues } from './limits';
import { findSubAttribute, resolveSchemaUrn } from './schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schema/types';
import { WIRE_PROFILE_SCHEMA } from './schema/wire';

/** `true`, `false`, and the strings `"True"`/`"false"` in any case (Entra sends `"active": "False"`). */
export function parseBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

function putOnce(out: JsonObject, key: string, value: JsonValue, where: string): void {
  if (Object.prototype.hasOwnProperty.call(out, key)) {
    throw new ScimError('invalidSyntax', `Attribute '${where}${key}' is given more than once (names are case-insensitive)`);
  }
  out[key] = value;
}

/** Rich info may arrive as the bare `fields` array; the schema's form is `{version, fields}`. */
export function normaliseRichInfo(v: JsonValue): JsonValue {
  return Array.isArray(v) ? { version: 0, fields: v } : v;
}

function normaliseValue(def: AttributeDefinition, v: JsonValue, where: string, schema: SchemaDefinition | undefined): JsonValue {
  if (v === null) return null;
  // Kept as sent, a value of the wrong shape would come back in every read (RFC 7643 §2.3-2.4).
  const wrong = (what: string) => new ScimError('invalidValue', `Attribute '${where}' ${what}, got ${JSON.stringify(v).slice(0, 64)}`);
  if (def.multiValued) {
    if (!Array.isArray(v)) throw wrong('is multi-valued: it must be an array');
    // spar takes roles as plain strings (`"roles": ["admin"]`) as well as `{"value": "admin"}`.
    if (def.name === 'roles') return v.map((e) => (typeof e === 'string' ? e : normaliseSingle(def, e, where, schema)));
    return v.map((e) => normaliseSingle(def, e, where, schema));
  }
  return normaliseSingle(def, v, where, schema);
}

/**
 * A primitive value must have its attribute's JSON type (RFC 7643 §2.3), as spar's parser demands:
 * a number is not a string (`displayName: 5` is refused, not stored as 5 or as "5").
 */
function checkPrimitive(def: AttributeDefinition, v: JsonValue, where: string): JsonValue {
  const ok = def.type === 'integer' ? Number.isInteger(v) : def.type === 'decimal' ? typeof v === 'number' : typeof v === 'string';
  if (ok) return v;
  const what = def.type === 'integer' ? 'an integer' : def.type === 'decimal' ? 'a number' : 'a string';
  throw new ScimError('invalidValue', `Attribute '${where}' must be ${what}, got ${JSON.stringify(v).slice(0, 64)}`);
}

function normaliseSingle(def: AttributeDefinition, v: JsonValue, where: string, schema: SchemaDefinition | undefined): JsonValue {
  if (def.type === 'boolean') {
    const b = parseBoolean(v);
    if (b === undefined) throw new ScimError('invalidValue', `Attribute '${where}' must be a boolean, got ${JSON.stringify(v)}`);
    return b;
  }
  if (def.type !== 'complex') return checkPrimitive(def, v, where);
  if (schema?.id === WIRE_PROFILE_SCHEMA && def.name === 'richInfo') v = normaliseRichInfo(v);
  if (!isObject(v))
    throw new ScimError('invalidValue', `Attribute '${where}' is complex: it must be an object, got ${JSON.stringify(v).slice(0, 64)}`);
  const out: JsonObject = {};
  for (const [k, sv] of Object.entries(v)) {
    const sub = findSubAttribute(def, k);
    if (sub) putOnce(out, sub.name, normaliseValue(sub, sv, `${where}.${sub.name}`, schema), `${where}.`);
    else putOnce(out, k, sv, `${where}.`);
  }
  return out;
}

export interface NormalisedResource {
  readonly resource: JsonObject;
  /** Top-level keys (and extension keys, URN-qualified) that no schema defines. */
  readonly unknown: readonly string[];
}

/**
 * Maps what clients send onto the schema: keys of any case to canonical names (spar accepts JSON
 * keys case-insensitively; the Microsoft suite sends `"Primary": true`), extension URN keys to
 * their canonical URN, and string booleans to booleans. Unknown keys are kept, or dropped with
 * `dropUnknown` (the Microsoft suite expects a misspelt `adreses` not to come back). The same key
 * twice in different cases is `invalidSyntax`: there is no telling which one the client meant.
 */
export function normaliseResource(input: JsonObject, rs: ResourceSchema, opts: { dropUnknown?: boolean } = {}): NormalisedResource {
  const out: JsonObject = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (k.toLowerCase() === 'schemas') {
      putOnce(out, 'schemas', v, '');
      continue;
    }
    const ext = /^urn:/i.test(k) ? resolveSchemaUrn(rs, k) : undefined;
    if (ext && ext !== rs.core) {
      if (!isObject(v)) throw new ScimError('invalidValue', `'${ext.id}' must be an object of attributes`);
      const inner: JsonObject = {};
      const entries = Object.entries(v);
      if (ext.openAttributes && entries.length > scimLimits.richInfoEntries)
        throw tooManyValues(ext.id, scimLimits.richInfoEntries, entries.length);
      // An open schema's keys by lowercase: a lookup per key would make this quadratic.
      const openKeys = new Map<string, string>();
      for (const [ik, iv] of entries) {
        const def = ext.attributes.find((a) => a.name.toLowerCase() === ik.toLowerCase());
        if (def) putOnce(inner, def.name, normaliseValue(def, iv, `${ext.id}:${def.name}`, ext), `${ext.id}:`);
        else if (ext.openAttributes) {
          const key = openKeys.get(ik.toLowerCase()) ?? ik;
          openKeys.set(ik.toLowerCase(), key);
          putOnce(inner, key, iv, `${ext.id}:`);
        } else if (opts.dropUnknown) unknown.push(`${ext.id}:${ik}`);
        else {
          unknown.push(`${ext.id}:${ik}`);
          putOnce(inner, ik, iv, `${ext.id}:`);
        }
      }
      putOnce(out, ext.id, inner, '');
      continue;
    }
    const def = [...rs.common, ...rs.core.attributes].find((a) => a.name.toLowerCase() === k.toLowerCase());
    if (def) putOnce(out, def.name, normaliseValue(def, v, def.name, rs.core), '');
    else {
      unknown.push(k);
      if (!opts.dropUnknown) putOnce(out, k, v, '');
    }
  }
  return { resource: out, unknown };
}

/**
 * Checks `schemas` (RFC 7643 §3: required, must name the core schema) and returns it in canonical
 * form: the core URN first, then the extensions the resource uses. Extensions the body carries
 * but does not list are added rather than rejected, as clients often forget them.
 */
export function checkSchemas(resource: JsonObject, rs: ResourceSchema): string[] {
  const key = findKey(resource, 'schemas');
  const given = key === undefined ? undefined : resource[key];
  if (!Array.isArray(given) || given.some((s) => typeof s !== 'string')) {
    throw new ScimError('invalidSyntax', `'schemas' must be an array of schema URNs including '${rs.core.id}'`);
  }
  const out: string[] = [rs.core.id];
  let sawCore = false;
  for (const s of given as string[]) {
    const schema = resolveSchemaUrn(rs, s);
    if (!schema) throw new ScimError('invalidValue', `Unknown schema '${s}' for ${rs.name} resources`);
    if (schema === rs.core) sawCore = true;
    else if (!out.includes(schema.id)) out.push(schema.id);
  }
  if (!sawCore) throw new ScimError('invalidSyntax', `'schemas' must include '${rs.core.id}'`);
  for (const e of rs.extensions) {
    if (!out.includes(e.schema.id) && findKey(resource, e.schema.id) !== undefined) out.push(e.schema.id);
  }
  return out;
}
