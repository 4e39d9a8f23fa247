import { ScimError } from './errors';
import { findKey, getIgnoreCase, isObject, type JsonObject } from './json';
import type { ResourceSchema } from './schema/types';

/**
 * The caps on what one request may carry; the body limit (`http.bodyLimit`, 413) comes first.
 * A user is a person: 100 emails or phone numbers is far beyond any directory, and the cap bounds
 * the document every read of the user parses. A group's size is not capped (members are rows);
 * only what one request adds or removes is. /Schemas states each cap in the attribute's
 * description, and ServiceProviderConfig gives `patch.maxOperations` (docs/compatibility.md).
 */
export const scimLimits = {
  /** Values of one multi-valued User attribute (emails, phoneNumbers, addresses, roles, ...). */
  valuesPerAttribute: 100,
  /**
   * Rich info entries: keys of Wire's free map, and fields of the profile form. `richInfoLimit`
   * bounds their characters; this bounds their number before any is compared.
   */
  richInfoEntries: 1000,
  /** Operations in one PatchOp. */
  operationsPerPatch: 1000,
  /** Group members one POST or PUT lists, or one PATCH names across its operations. */
  membersPerRequest: 10_000,
} as const;

export function tooManyValues(where: string, max: number, given?: number): ScimError {
  return new ScimError('invalidValue', `Attribute '${where}' takes at most ${max} values${given === undefined ? '' : `, got ${given}`}`);
}

/**
 * Refuses a resource whose capped multi-valued attributes (`maxValues` in the schema, core and
 * extensions) hold more values than allowed, whatever path (POST, PUT, PATCH) produced it.
 */
export function checkValueCounts(resource: JsonObject, rs: ResourceSchema): void {
  const check = (container: JsonObject, attrs: ResourceSchema['core']['attributes'], prefix: string) => {
    for (const a of attrs) {
      if (a.maxValues === undefined) continue;
      const v = getIgnoreCase(container, a.name);
      if (Array.isArray(v) && v.length > a.maxValues) throw tooManyValues(`${prefix}${a.name}`, a.maxValues, v.length);
    }
  };
  check(resource, [...rs.common, ...rs.core.attributes], '');
  for (const { schema } of rs.extensions) {
    const k = findKey(resource, schema.id);
    const inner = k === undefined ? undefined : resource[k];
    if (isObject(inner)) check(inner, schema.attributes, `${schema.id}:`);
  }
}
