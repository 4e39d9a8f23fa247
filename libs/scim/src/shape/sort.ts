import { ScimError } from '../errors';
import { parseDateTime } from '../filter/datetime';
import { findKey, getIgnoreCase, isObject, isUnassigned, type JsonObject, type JsonValue } from '../json';
import { findSubAttribute, resolveAttribute } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';

export type SortOrder = 'ascending' | 'descending';

export function parseSortOrder(s: string | undefined): SortOrder {
  if (s === undefined || s.trim() === '') return 'ascending';
  const l = s.trim().toLowerCase();
  if (l === 'ascending' || l === 'descending') return l;
  throw new ScimError('invalidValue', `sortOrder must be 'ascending' or 'descending', got '${s}'`);
}

type Key = string | number | bigint | boolean;

/** A multi-valued attribute sorts by its primary value, else its first (RFC 7644 §3.4.2.3). */
function pick(v: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(v)) return v;
  return v.find((e) => isObject(e) && e['primary'] === true) ?? v[0];
}

function keyOf(resource: JsonObject, rs: ResourceSchema, name: string): { key: Key | undefined; def: AttributeDefinition } {
  const r = resolveAttribute(rs, name);
  if (!r) throw new ScimError('invalidValue', `Cannot sort by unknown attribute '${name}'`);
  const container = r.extension ? getIgnoreCase(resource, r.schema.id) : resource;
  let v = isObject(container) ? pick(getIgnoreCase(container, r.attribute.name)) : undefined;
  let def: AttributeDefinition = r.attribute;
  const subName = r.subAttribute?.name ?? (r.attribute.type === 'complex' && findSubAttribute(r.attribute, 'value') ? 'value' : undefined);
  if (subName !== undefined) {
    def = findSubAttribute(r.attribute, subName) ?? def;
    v = isObject(v) ? pick(getIgnoreCase(v, subName)) : undefined;
  }
  if (v === undefined || isUnassigned(v) || isObject(v) || Array.isArray(v)) return { key: undefined, def };
  if (def.type === 'dateTime' && typeof v === 'string') return { key: parseDateTime(v) ?? v, def };
  if (typeof v === 'string' && !def.caseExact) return { key: v.toLowerCase(), def };
  return { key: v as Key, def };
}

function cmp(a: Key, b: Key): number {
  if (typeof a !== typeof b) return String(typeof a) < String(typeof b) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A comparator for `sortBy`/`sortOrder`: case-insensitive strings unless caseExact, compared by
 * code unit ("no specific locale", RFC 7644 §3.4.2.3); dateTimes as instants. Resources without
 * the value come last in both orders (the RFC's own wording only covers ascending). Ties break on
 * `id`, so pages are stable.
 */
export function sortComparator(sortBy: string, order: SortOrder, rs: ResourceSchema): (a: JsonObject, b: JsonObject) => number {
  if (!resolveAttribute(rs, sortBy)) keyOf({}, rs, sortBy); // unknown attribute: fail now, not per pair
  const sign = order === 'descending' ? -1 : 1;
  return (a, b) => {
    const ka = keyOf(a, rs, sortBy).key;
    const kb = keyOf(b, rs, sortBy).key;
    let c: number;
    if (ka === undefined && kb === undefined) c = 0;
    else if (ka === undefined) return 1;
    else if (kb === undefined) return -1;
    else c = sign * cmp(ka, kb);
    if (c !== 0) return c;
    const ia = a[findKey(a, 'id') ?? 'id'];
    const ib = b[findKey(b, 'id') ?? 'id'];
    return typeof ia === 'string' && typeof ib === 'string' ? cmp(ia, ib) : 0;
  };
}
