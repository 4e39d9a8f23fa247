import { ScimError } from '../errors';
import { parseDateTime } from '../filter/datetime';
import { isObject, type JsonObject, type JsonValue } from '../json';
import { normaliseRichInfo, parseBoolean } from '../normalise';
import { findSubAttribute } from '../schema/resolve';
import type { AttributeDefinition } from '../schema/types';

const bad = (where: string, why: string) => new ScimError('invalidValue', `Invalid value for '${where}': ${why}`);

/**
 * Brings a PATCH value to the attribute's type: string booleans become booleans (Entra without
 * `aadOptscim062020` sends `"False"`), a single value for a multi-valued attribute becomes a
 * one-element list, and a bare string for a complex attribute with a `value` sub-attribute becomes
 * `{value}` (Entra sends `manager` as an id; the Microsoft suite adds a member as a string).
 * Sub-attributes the schema does not know are kept: callers decide what to store.
 */
export function coerceValue(def: AttributeDefinition, v: JsonValue, where: string): JsonValue {
  if (v === null) return null;
  if (def.multiValued) return (Array.isArray(v) ? v : [v]).map((e) => coerceSingle(def, e, where));
  return coerceSingle(def, v, where);
}

export function coerceSingle(def: AttributeDefinition, v: JsonValue, where: string): JsonValue {
  if (Array.isArray(v)) {
    if (def.name === 'richInfo' && def.type === 'complex') return coerceSingle(def, normaliseRichInfo(v), where);
    throw bad(where, 'a list was given for a single-valued attribute');
  }
  switch (def.type) {
    case 'complex': {
      if (!isObject(v)) {
        // A bare value stands for `{value}` only where PUT would take it too: a single-valued
        // attribute (Entra sends `manager` as an id), `roles` (spar takes role strings) and group
        // `members` (the Microsoft suite adds "string id 1"). An `emails` value of "hello" is no
        // email entry (PUT refuses it), so it is refused here too.
        const bare = !def.multiValued || def.name === 'roles' || def.name === 'members';
        if (v !== null && bare && findSubAttribute(def, 'value'))
          return { value: coerceSingle(findSubAttribute(def, 'value')!, v, `${where}.value`) };
        throw bad(where, 'expected an object of sub-attributes');
      }
      const out: JsonObject = {};
      for (const [k, sv] of Object.entries(v)) {
        const sub = findSubAttribute(def, k);
        if (sub) out[sub.name] = sv === null ? null : coerceValue(sub, sv, `${where}.${sub.name}`);
        else out[k] = sv;
      }
      return out;
    }
    case 'boolean': {
      const b = parseBoolean(v);
      if (b === undefined) throw bad(where, `expected true or false, got ${JSON.stringify(v)}`);
      return b;
    }
    case 'integer':
    case 'decimal': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n)))
        throw bad(where, `expected ${def.type === 'integer' ? 'an integer' : 'a number'}`);
      return n;
    }
    case 'dateTime':
      if (typeof v !== 'string' || parseDateTime(v) === undefined) throw bad(where, 'expected a dateTime such as 2011-05-13T04:42:34Z');
      return v;
    default:
      // No number becomes a string: PUT refuses `displayName: 5`, so PATCH does too.
      if (typeof v !== 'string') throw bad(where, `expected a string, got ${isObject(v) ? 'an object' : JSON.stringify(v)}`);
      return v;
  }
}
