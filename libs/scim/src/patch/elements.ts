import type { Filter } from '../filter/ast';
import { canonicalJson, deepEqual, findKey, isObject, type JsonObject, type JsonValue } from '../json';
import { findSubAttribute } from '../schema/resolve';
import type { AttributeDefinition } from '../schema/types';
import { coerceSingle } from './values';

function sameString(def: AttributeDefinition | undefined, a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !(def?.caseExact ?? false)) return a.toLowerCase() === b.toLowerCase();
  return deepEqual(a, b);
}

/**
 * Whether two values of a multi-valued attribute are the same entry: complex values with a
 * `value` are the same when their `value` (and `type`, if both have one) match, so adding a
 * member twice or re-adding an email with `primary` set updates the entry instead of duplicating
 * it; other values when they are equal.
 */
export function sameElement(def: AttributeDefinition, a: JsonValue, b: JsonValue): boolean {
  if (isObject(a) && isObject(b)) {
    const valueDef = findSubAttribute(def, 'value');
    if (valueDef && a['value'] !== undefined && b['value'] !== undefined && a['value'] !== null && b['value'] !== null) {
      if (!sameString(valueDef, a['value'], b['value'])) return false;
      const typeDef = findSubAttribute(def, 'type');
      return typeof a['type'] !== 'string' || typeof b['type'] !== 'string' || sameString(typeDef, a['type'], b['type']);
    }
    return deepEqual(a, b);
  }
  return sameString(def, a, b);
}

/**
 * A key that equal entries share (in `sameElement`'s sense, the `type` aside): strings by
 * `sameString`, everything else by its canonical JSON. Lookups by key keep merges and removals
 * linear; a PATCH of 20,000 emails compared each with every other one took 13 s.
 */
function stringKey(def: AttributeDefinition | undefined, v: JsonValue): string {
  if (typeof v === 'string') return `s${(def?.caseExact ?? false) ? v : v.toLowerCase()}`;
  return `j${canonicalJson(v)}`;
}

function elementKey(def: AttributeDefinition, valueDef: AttributeDefinition | undefined, e: JsonValue): string {
  if (!isObject(e)) return `p${stringKey(def, e)}`;
  const v = e['value'];
  if (valueDef && v !== undefined && v !== null) return `v${stringKey(valueDef, v)}`;
  return `o${canonicalJson(e)}`;
}

/** `current` plus `added`, entries already present updated in place rather than repeated. */
export function mergeElements(def: AttributeDefinition, current: JsonValue[], added: JsonValue[]): JsonValue[] {
  const valueDef = findSubAttribute(def, 'value');
  const out = [...current];
  // Positions by key, in list order, so the first equal entry wins as a scan would find it.
  // Entries of one key differ by `type`, so buckets stay small (and capped lists are short).
  const index = new Map<string, number[]>();
  const at = (key: string): number[] => {
    let b = index.get(key);
    if (!b) index.set(key, (b = []));
    return b;
  };
  out.forEach((e, i) => at(elementKey(def, valueDef, e)).push(i));
  for (const e of added) {
    const bucket = at(elementKey(def, valueDef, e));
    const i = bucket.find((j) => sameElement(def, out[j] as JsonValue, e));
    if (i === undefined) {
      bucket.push(out.length);
      out.push(e);
    } else {
      const prev = out[i] as JsonValue;
      out[i] = isObject(prev) && isObject(e) ? { ...prev, ...e } : e;
    }
  }
  return out;
}

/**
 * The entries of `list` that match none of `drop`. A dropped complex value with a `value` matches
 * by `value` alone (Entra sends just `{value: id}`); one without matches entries that have all of
 * its sub-attributes.
 */
export function removeMatching(def: AttributeDefinition, list: JsonValue[], drop: JsonValue[]): JsonValue[] {
  const valueDef = findSubAttribute(def, 'value');
  const byValue = new Set<string>();
  const plain = new Set<string>();
  const partial: JsonObject[] = [];
  for (const d of drop) {
    if (!isObject(d)) plain.add(stringKey(def, d));
    else if (d['value'] !== undefined && d['value'] !== null) byValue.add(stringKey(valueDef, d['value']));
    else partial.push(d);
  }
  const hitsPartial = (e: JsonObject, d: JsonObject) =>
    Object.entries(d).every(([k, v]) => {
      const ek = findKey(e, k);
      return ek !== undefined && sameString(findSubAttribute(def, k), e[ek] as JsonValue, v);
    });
  const hit = (e: JsonValue): boolean => {
    if (!isObject(e)) return plain.has(stringKey(def, e));
    if (e['value'] !== undefined && byValue.has(stringKey(valueDef, e['value'] as JsonValue))) return true;
    return partial.some((d) => hitsPartial(e, d));
  };
  return list.filter((e) => !hit(e));
}

/**
 * RFC 7643 §2.4: `primary: true` appears at most once. When this operation wrote an entry with
 * `primary: true`, every other entry loses it (the last written one wins).
 */
export function enforcePrimary(def: AttributeDefinition, list: JsonValue[], written: JsonValue[]): void {
  if (!findSubAttribute(def, 'primary')) return;
  const winner = [...written].reverse().find((w) => isObject(w) && w['primary'] === true);
  if (!winner) return;
  let kept = false;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (!isObject(e) || e['primary'] !== true) continue;
    if (!kept && (e === winner || sameElement(def, e, winner))) kept = true;
    else list[i] = { ...e, primary: false };
  }
}

/**
 * The entry a value filter describes, for an `add` whose filter matches nothing: Entra sends
 * `add emails[type eq "work"].value` for a user without a work email, meaning "create it".
 * Only `and`-ed `eq` comparisons on sub-attributes describe an entry; anything else gives undefined.
 */
export function seedFromFilter(f: Filter, def: AttributeDefinition): JsonObject | undefined {
  if (f.type === 'and') {
    const l = seedFromFilter(f.left, def);
    const r = seedFromFilter(f.right, def);
    return l && r ? { ...l, ...r } : undefined;
  }
  if (f.type !== 'compare' || f.op !== 'eq' || f.path.uri !== undefined || f.path.sub !== undefined || f.path.filter) return undefined;
  const sub = findSubAttribute(def, f.path.attr);
  if (!sub || f.value === null) return undefined;
  return { [sub.name]: coerceSingle(sub, f.text ?? f.value, `${def.name}.${sub.name}`) };
}
