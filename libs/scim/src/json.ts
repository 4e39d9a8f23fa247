/** Plain JSON values, as SCIM resources travel and are stored. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key of `obj` that equals `name` ignoring case (SCIM attribute names are case-insensitive). */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

export function getIgnoreCase(obj: JsonObject, name: string): JsonValue | undefined {
  const k = findKey(obj, name);
  return k === undefined ? undefined : obj[k];
}

export function deleteIgnoreCase(obj: JsonObject, name: string): boolean {
  const lower = name.toLowerCase();
  let removed = false;
  for (const k of Object.keys(obj)) {
    if (k.toLowerCase() === lower) {
      delete obj[k];
      removed = true;
    }
  }
  return removed;
}

export function clone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * JSON with object keys sorted, so equal resources serialise identically whatever order their
 * keys were written in (ETags must not change when only key order does).
 */
export function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** SCIM treats null, "", [] and {} (all sub-attributes unassigned) as "no value" (RFC 7643 §2.5). */
export function isUnassigned(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.every(isUnassigned);
  if (isObject(v)) return Object.values(v).every(isUnassigned);
  return false;
}
