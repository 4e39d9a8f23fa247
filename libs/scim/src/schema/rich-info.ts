import { ScimError } from '../errors';
import { getIgnoreCase, isObject, type JsonObject, type JsonValue } from '../json';
import { scimLimits, tooManyValues } from '../limits';
import { normaliseRichInfo } from '../normalise';
import { WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA } from './wire';

export interface RichInfoField {
  readonly type: string;
  readonly value: string;
}

/**
 * Spar's rich-info normalisation (docs/spar-behaviour.md §5.2): the profile's fields in order, then the
 * free map's keys not already there, alphabetically; empty values dropped; keys deduplicated
 * ignoring case (the first wins). Non-string types or values are `invalidValue`.
 */
export function mergeRichInfo(resource: JsonObject): RichInfoField[] {
  const out: RichInfoField[] = [];
  const seen = new Set<string>();
  const push = (type: JsonValue | undefined, value: JsonValue | undefined, where: string) => {
    if (typeof type !== 'string' || (value !== undefined && value !== null && typeof value !== 'string')) {
      throw new ScimError('invalidValue', `Rich info ${where} must have a string type and a string value`);
    }
    if (!value || seen.has(type.toLowerCase())) return;
    seen.add(type.toLowerCase());
    out.push({ type, value });
  };
  const profile = getIgnoreCase(resource, WIRE_PROFILE_SCHEMA);
  const rich = isObject(profile) ? getIgnoreCase(profile, 'richInfo') : undefined;
  if (rich !== undefined && rich !== null) {
    const norm = normaliseRichInfo(rich);
    const fields = isObject(norm) ? getIgnoreCase(norm, 'fields') : undefined;
    if (fields !== undefined && fields !== null && !Array.isArray(fields))
      throw new ScimError('invalidValue', 'richInfo.fields must be a list');
    if (Array.isArray(fields) && fields.length > scimLimits.richInfoEntries)
      throw tooManyValues('richInfo.fields', scimLimits.richInfoEntries, fields.length);
    (fields ?? []).forEach((f, i) => {
      if (!isObject(f)) throw new ScimError('invalidValue', `richInfo.fields[${i}] must be an object`);
      push(getIgnoreCase(f, 'type'), getIgnoreCase(f, 'value'), `field ${i}`);
    });
  }
  const map = getIgnoreCase(resource, WIRE_USER_SCHEMA);
  if (isObject(map)) {
    for (const k of Object.keys(map).sort()) push(k, map[k], `key '${k}'`);
  }
  return out;
}

/** The size spar limits (`richInfoLimit`, 413 beyond): the sum of key and value lengths. */
export function richInfoSize(fields: readonly RichInfoField[]): number {
  return fields.reduce((n, f) => n + f.type.length + f.value.length, 0);
}

/** Both output forms, as spar always returns them. */
export function renderRichInfo(fields: readonly RichInfoField[]): JsonObject {
  const map: JsonObject = {};
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.type.toLowerCase())) continue;
    seen.add(f.type.toLowerCase());
    map[f.type] = f.value;
  }
  return {
    [WIRE_PROFILE_SCHEMA]: { richInfo: { version: 0, fields: fields.map((f) => ({ type: f.type, value: f.value })) } },
    [WIRE_USER_SCHEMA]: map,
  };
}
