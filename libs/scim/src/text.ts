import { describeUnsafeCharacter, findUnsafeCharacter, type TextKind } from '@sso/domain';
import { ScimError } from './errors';
import { isObject, type JsonObject, type JsonValue } from './json';
import type { ResourceSchema } from './schema/types';

/**
 * Attributes whose values may span lines (lowercase dotted names without the schema URN): postal
 * addresses (RFC 7643's own example has a newline in `formatted`), certificates, rich info values.
 * Every other string is a single line: names, identifiers, emails, types, rich info keys.
 */
const MULTILINE = new Set(['addresses.formatted', 'addresses.streetaddress', 'x509certificates.value', 'richinfo.fields.value']);

const printable = (path: string) => JSON.stringify(path).slice(1, -1);

function refuse(what: string, kind: TextKind, s: string): void {
  const u = findUnsafeCharacter(s, kind);
  if (!u) return;
  const allowed = kind === 'multiline' ? ' (line breaks and tabs are allowed here)' : '';
  throw new ScimError(
    'invalidValue',
    `${what} contains ${describeUnsafeCharacter(u)}: text may not carry control characters, bidirectional overrides or lone surrogates${allowed}`,
  );
}

/** `name` is the dotted attribute name that picks the rule; `path` (with indices) names it in errors. */
function walk(v: JsonValue, path: string, name: string, multilineValues: boolean): void {
  if (typeof v === 'string') refuse(`Attribute '${printable(path)}'`, multilineValues || MULTILINE.has(name) ? 'multiline' : 'line', v);
  else if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${path}[${i}]`, name, multilineValues));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      refuse(`The attribute name '${printable(`${path}.${k}`)}'`, 'line', k);
      walk(x, `${path}.${k}`, `${name}.${k.toLowerCase()}`, multilineValues);
    }
  }
}

/**
 * Refuses control characters, bidi overrides and lone surrogates in every string of a resource
 * (keys included), by `findUnsafeCharacter`'s rule: one line for names and identifiers, several
 * for the attributes in MULTILINE and for the values of an open schema (Wire's rich info map).
 * Run on what POST, PUT and PATCH would store, so no path stores such text.
 */
export function checkText(resource: JsonObject, rs: ResourceSchema): void {
  for (const [k, v] of Object.entries(resource)) {
    refuse(`The attribute name '${printable(k)}'`, 'line', k);
    const ext = rs.extensions.find((e) => e.schema.id.toLowerCase() === k.toLowerCase())?.schema;
    if (ext && isObject(v)) {
      for (const [ik, iv] of Object.entries(v)) {
        refuse(`The attribute name '${printable(`${ext.id}:${ik}`)}'`, 'line', ik);
        walk(iv, `${ext.id}:${ik}`, ik.toLowerCase(), ext.openAttributes !== undefined);
      }
    } else walk(v, k, k.toLowerCase(), false);
  }
}

/** The same rule for one string outside a resource (a Group's displayName, a member's display). */
export function checkTextValue(where: string, s: string, kind: TextKind = 'line'): void {
  refuse(`Attribute '${printable(where)}'`, kind, s);
}

/** The same rule for an attribute name a client chose (a rich info key named by a PATCH path). */
export function checkAttributeName(name: string): void {
  refuse(`The attribute name '${printable(name)}'`, 'line', name);
}
