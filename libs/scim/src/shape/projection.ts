import { isObject, isUnassigned, type JsonObject, type JsonValue } from '../json';
import { resolveAttribute, resolveSchemaUrn } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from '../schema/types';

/** Splits `a,b,emails[type eq "x,y"]` at the commas outside brackets and quotes. */
export function splitAttributeList(list: string | readonly string[] | undefined): string[] {
  if (list === undefined) return [];
  const items = typeof list === 'string' ? [list] : [...list];
  const out: string[] = [];
  for (const s of items) {
    let depth = 0;
    let quoted = false;
    let start = 0;
    for (let i = 0; i <= s.length; i++) {
      const c = s[i];
      if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
      else if (!quoted && c === '[') depth++;
      else if (!quoted && c === ']') depth = Math.max(0, depth - 1);
      if (i === s.length || (c === ',' && depth === 0 && !quoted)) {
        const item = s.slice(start, i).trim();
        if (item) out.push(item);
        start = i + 1;
      }
    }
  }
  return out;
}

/** Selection per schema and attribute: true for the whole attribute, or a set of sub-attributes. */
type Selection = Map<SchemaDefinition, Map<string, true | Set<string>>>;

function select(rs: ResourceSchema, names: string[]): Selection {
  const sel: Selection = new Map();
  const mark = (s: SchemaDefinition, attr: string, sub: string | undefined) => {
    const m = sel.get(s) ?? new Map<string, true | Set<string>>();
    sel.set(s, m);
    const key = attr.toLowerCase();
    const cur = m.get(key);
    if (sub === undefined || cur === true) m.set(key, true);
    else m.set(key, new Set([...(cur ?? []), sub.toLowerCase()]));
  };
  for (const raw of names) {
    // `emails[type eq "work"]` (sent by the Microsoft suite) selects `emails`: RFC 7644 §3.4.2.5
    // takes attribute names only, and a list endpoint does not filter values within a resource.
    const name = raw.replace(/\[[^\]]*\]/g, '');
    const ext = /^urn:/i.test(name) ? resolveSchemaUrn(rs, name) : undefined;
    if (ext) {
      for (const a of ext.attributes) mark(ext, a.name, undefined);
      if (ext.openAttributes) mark(ext, '*', undefined);
      continue;
    }
    const r = resolveAttribute(rs, name);
    if (r) mark(r.schema, r.attribute.name, r.subAttribute?.name);
  }
  return sel;
}

function lookup(sel: Selection, s: SchemaDefinition, name: string): true | Set<string> | undefined {
  const m = sel.get(s);
  return m?.get(name.toLowerCase()) ?? (s.openAttributes ? m?.get('*') : undefined);
}

function onlySubs(
  def: AttributeDefinition,
  v: JsonValue,
  keep: (sub: AttributeDefinition | undefined, name: string) => boolean,
): JsonValue {
  const one = (e: JsonValue): JsonValue => {
    if (!isObject(e)) return e;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(e)) {
      const sub = def.subAttributes?.find((a) => a.name.toLowerCase() === k.toLowerCase());
      if (sub?.returned === 'never') continue;
      if (sub?.returned === 'always' || keep(sub, k)) out[k] = x;
    }
    return out;
  };
  return Array.isArray(v) ? v.map(one).filter((e) => !isUnassigned(e)) : one(v);
}

function project(
  def: AttributeDefinition,
  v: JsonValue,
  wanted: true | Set<string> | undefined,
  excluded: true | Set<string> | undefined,
  hasAttributes: boolean,
): JsonValue | undefined {
  if (def.returned === 'never') return undefined;
  if (def.returned === 'always') return v;
  if (hasAttributes) {
    if (wanted === undefined) return undefined;
    if (wanted !== true) return onlySubs(def, v, (_s, k) => wanted.has(k.toLowerCase()));
  } else if (def.returned === 'request') return undefined;
  if (excluded === true) return undefined;
  if (excluded) return onlySubs(def, v, (_s, k) => !excluded.has(k.toLowerCase()));
  return def.type === 'complex' ? onlySubs(def, v, () => true) : v;
}

export interface ProjectionParams {
  /** The `attributes` query parameter: a comma-separated string or a list. */
  readonly attributes?: string | readonly string[] | undefined;
  readonly excludedAttributes?: string | readonly string[] | undefined;
}

/**
 * RFC 7644 §3.4.2.5 projection. `returned: never` is always dropped, `always` always kept; with
 * `attributes`, only the named ones (and `always`) remain, and `request` ones only when named;
 * `excludedAttributes` then drops what it names, `always` excepted. Names may be URN-qualified,
 * dotted, of any case, or a whole extension's URN; unknown names are ignored. Attributes no schema
 * defines are kept only without `attributes`.
 */
export function projectResource(resource: JsonObject, rs: ResourceSchema, params: ProjectionParams = {}): JsonObject {
  const names = splitAttributeList(params.attributes);
  const hasAttributes = names.length > 0;
  const wanted = select(rs, names);
  const excluded = select(rs, splitAttributeList(params.excludedAttributes));
  const out: JsonObject = {};
  const attrsOf = (s: SchemaDefinition) => (s === rs.core ? [...rs.common, ...s.attributes] : s.attributes);
  for (const [k, v] of Object.entries(resource)) {
    if (k.toLowerCase() === 'schemas') {
      out[k] = v;
      continue;
    }
    const ext = /^urn:/i.test(k) ? resolveSchemaUrn(rs, k) : undefined;
    if (ext && ext !== rs.core) {
      if (!isObject(v)) continue;
      const inner: JsonObject = {};
      for (const [ik, iv] of Object.entries(v)) {
        const def =
          ext.attributes.find((a) => a.name.toLowerCase() === ik.toLowerCase()) ??
          (ext.openAttributes ? { ...ext.openAttributes, name: ik } : undefined);
        if (!def) {
          if (!hasAttributes) inner[ik] = iv;
          continue;
        }
        const p = project(def, iv, lookup(wanted, ext, ik), lookup(excluded, ext, ik), hasAttributes);
        if (p !== undefined) inner[ik] = p;
      }
      if (Object.keys(inner).length > 0) out[k] = inner;
      continue;
    }
    const def = attrsOf(rs.core).find((a) => a.name.toLowerCase() === k.toLowerCase());
    if (!def) {
      if (!hasAttributes) out[k] = v;
      continue;
    }
    const p = project(def, v, lookup(wanted, rs.core, k), lookup(excluded, rs.core, k), hasAttributes);
    if (p !== undefined) out[k] = p;
  }
  return out;
}
