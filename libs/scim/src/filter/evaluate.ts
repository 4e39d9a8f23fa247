import { findKey, getIgnoreCase, isObject, isUnassigned, type JsonObject, type JsonValue } from '../json';
import { findSubAttribute, resolvePath, resolveSchemaUrn } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';
import type { CompareNode, Filter, FilterPath, Literal } from './ast';
import { parseDateTime } from './datetime';

/**
 * Where attribute names are looked up: at the top of a resource (with its schemas), or inside an
 * element of a multi-valued attribute (with that attribute's sub-attributes).
 */
type Scope = { kind: 'resource'; rs: ResourceSchema | undefined } | { kind: 'element'; parent: AttributeDefinition | undefined };

interface Selection {
  values: JsonValue[];
  def: AttributeDefinition | undefined;
}

const asList = (v: JsonValue | undefined): JsonValue[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The values a path selects, flattened: every element of a multi-valued attribute, every
 * sub-attribute value of the selected elements. `emails.value` on two emails gives two strings.
 */
function select(obj: JsonObject, path: FilterPath, scope: Scope, forCompare: boolean): Selection {
  let container: JsonObject | undefined = obj;
  let def: AttributeDefinition | undefined;
  if (scope.kind === 'resource') {
    const rs = scope.rs;
    const resolved = rs ? resolvePath(rs, { uri: path.uri, attr: path.attr }) : undefined;
    def = resolved?.attribute;
    if (path.uri !== undefined) {
      const coreUri = rs ? rs.core.id : 'urn:ietf:params:scim:schemas:core:2.0:';
      const isCore = rs ? resolveSchemaUrn(rs, path.uri) === rs.core : path.uri.toLowerCase().startsWith(coreUri.toLowerCase());
      if (!isCore) {
        const ext = getIgnoreCase(obj, resolved?.schema.id ?? path.uri);
        container = isObject(ext) ? ext : undefined;
      }
    } else if (resolved?.extension && findKey(obj, path.attr) === undefined) {
      const ext = getIgnoreCase(obj, resolved.schema.id);
      container = isObject(ext) ? ext : undefined;
    }
  } else {
    def = scope.parent ? findSubAttribute(scope.parent, path.attr) : undefined;
  }
  let values = container ? asList(getIgnoreCase(container, path.attr)) : [];
  if (path.filter) {
    const inner = path.filter;
    const elementScope: Scope = { kind: 'element', parent: def };
    values = values.filter((e) => isObject(e) && evalIn(inner, e, elementScope));
  }
  let sub = path.sub;
  // A complex attribute compared without a sub-attribute compares its `value` (`members eq "id"`).
  if (sub === undefined && forCompare && (def?.type === 'complex' || values.some(isObject))) sub = 'value';
  if (sub !== undefined) {
    const subName = sub;
    def = def ? findSubAttribute(def, subName) : undefined;
    values = values.flatMap((e) => (isObject(e) ? asList(getIgnoreCase(e, subName)) : []));
  }
  return { values, def };
}

function asBoolean(v: JsonValue | Literal): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

function asNumber(v: JsonValue | Literal): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function order(a: number | bigint | string, b: number | bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(op: CompareNode['op'], c: number): boolean {
  switch (op) {
    case 'eq':
      return c === 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    default:
      return false;
  }
}

/** One attribute value against the filter's literal, by the attribute's type and caseExact. */
function compareValue(v: JsonValue, node: Pick<CompareNode, 'op' | 'value' | 'text'>, def: AttributeDefinition | undefined): boolean {
  const { op, value } = node;
  if (value === null || v === null || isObject(v) || Array.isArray(v)) return false;
  const type = def?.type ?? (typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'decimal' : 'string');
  if (type === 'boolean') {
    const a = asBoolean(v);
    const b = asBoolean(value);
    return op === 'eq' && a !== undefined && a === b;
  }
  if (type === 'integer' || type === 'decimal') {
    const a = asNumber(v);
    const b = asNumber(value);
    return a !== undefined && b !== undefined && ordered(op, order(a, b));
  }
  if (type === 'dateTime' && typeof v === 'string' && typeof value === 'string') {
    const a = parseDateTime(v);
    const b = parseDateTime(value);
    if (a !== undefined && b !== undefined && op !== 'co' && op !== 'sw' && op !== 'ew') return ordered(op, order(a, b));
  }
  if (type === 'complex') return false;
  let a = typeof v === 'string' ? v : String(v);
  let b = node.text ?? (typeof value === 'string' ? value : String(value));
  if (!(def?.caseExact ?? false)) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(op, order(a, b));
  }
}

function evalIn(f: Filter, obj: JsonObject, scope: Scope): boolean {
  switch (f.type) {
    case 'and':
      return evalIn(f.left, obj, scope) && evalIn(f.right, obj, scope);
    case 'or':
      return evalIn(f.left, obj, scope) || evalIn(f.right, obj, scope);
    case 'not':
      return !evalIn(f.filter, obj, scope);
    case 'present':
      return select(obj, f.path, scope, false).values.some((v) => !isUnassigned(v));
    case 'valuePath':
      return select(obj, { ...f.path, filter: f.filter }, scope, false).values.length > 0;
    case 'compare': {
      const { values, def } = select(obj, f.path, scope, true);
      // `eq null` / `ne null`: unassigned / assigned (RFC 7644 leaves null comparisons undefined).
      if (f.value === null) {
        const assigned = values.some((v) => !isUnassigned(v));
        return f.op === 'eq' ? !assigned : f.op === 'ne' ? assigned : false;
      }
      // `ne` is "no value equals": a user with emails a and b does not match `emails.value ne "a"`,
      // and a user without the attribute matches, so `x ne v` is always `not (x eq v)`.
      if (f.op === 'ne') return !values.some((v) => compareValue(v, { ...f, op: 'eq' }, def));
      return values.some((v) => compareValue(v, f, def));
    }
  }
}

/**
 * Whether `resource` matches `filter`, with SCIM semantics: attribute names ignore case; string
 * comparisons follow the attribute's caseExact (unknown attributes: case-insensitive); a
 * multi-valued attribute matches if any value does; dateTimes compare as instants. Never throws:
 * type errors (e.g. `active gt 3`) simply do not match; `validateFilter` reports them up front.
 */
export function evaluateFilter(filter: Filter, resource: JsonObject, rs?: ResourceSchema): boolean {
  return evalIn(filter, resource, { kind: 'resource', rs });
}

/** Whether one element of a multi-valued attribute matches a value filter (`type eq "work"`). */
export function evaluateElementFilter(filter: Filter, element: JsonObject, parent: AttributeDefinition | undefined): boolean {
  return evalIn(filter, element, { kind: 'element', parent });
}
