import { ScimError } from '../errors';
import type { JsonObject } from '../json';
import { findSubAttribute, resolvePath } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';
import type { AttrPath, CompareNode, Filter, FilterPath } from './ast';
import { parseDateTime } from './datetime';
import { evaluateFilter } from './evaluate';
import { printPath } from './printer';
import { parseFilter, type FilterLimits } from './parser';

const invalid = (why: string) => new ScimError('invalidFilter', why);

function leafOf(rs: ResourceSchema, path: FilterPath | AttrPath, parent: AttributeDefinition | undefined): AttributeDefinition {
  const name = printPath({
    ...(path.uri !== undefined ? { uri: path.uri } : {}),
    attr: path.attr,
    ...(path.sub !== undefined ? { sub: path.sub } : {}),
  });
  let def: AttributeDefinition | undefined;
  if (parent) {
    def = findSubAttribute(parent, path.attr);
    if (def && path.sub !== undefined) def = findSubAttribute(def, path.sub);
  } else {
    const r = resolvePath(rs, path);
    def = r ? (r.subAttribute ?? r.attribute) : undefined;
  }
  if (!def) throw invalid(`Unknown attribute '${name}' in filter`);
  if (def.returned === 'never') throw invalid(`Attribute '${name}' cannot be used in a filter`);
  return def;
}

function checkCompare(f: CompareNode, def: AttributeDefinition, name: string): void {
  const { op, value } = f;
  let target = def;
  if (def.type === 'complex') {
    const v = findSubAttribute(def, 'value');
    if (!v) throw invalid(`'${name}' is complex: name a sub-attribute, e.g. '${name}.${def.subAttributes?.[0]?.name ?? 'value'}'`);
    target = v;
  }
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw invalid(`'${op}' cannot compare with null`);
    return;
  }
  switch (target.type) {
    case 'boolean':
      if (op !== 'eq' && op !== 'ne') throw invalid(`'${op}' is not defined for the boolean attribute '${name}'`);
      if (typeof value !== 'boolean' && !/^(true|false)$/i.test(String(value)))
        throw invalid(`'${name}' is boolean: compare it with true or false`);
      return;
    case 'binary':
      if (op !== 'eq' && op !== 'ne') throw invalid(`'${op}' is not defined for the binary attribute '${name}'`);
      return;
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number' && !Number.isFinite(Number(value)))
        throw invalid(`'${name}' is numeric: ${JSON.stringify(value)} is not a number`);
      return;
    case 'dateTime':
      if (op !== 'co' && op !== 'sw' && op !== 'ew' && (typeof value !== 'string' || parseDateTime(value) === undefined)) {
        throw invalid(`'${name}' is a dateTime: ${JSON.stringify(value)} is not one (e.g. 2011-05-13T04:42:34Z)`);
      }
      return;
    default:
      if (typeof value === 'boolean') throw invalid(`'${name}' is a string: compare it with a string, not ${value}`);
  }
}

function walk(f: Filter, rs: ResourceSchema, parent: AttributeDefinition | undefined): void {
  switch (f.type) {
    case 'and':
    case 'or':
      walk(f.left, rs, parent);
      walk(f.right, rs, parent);
      return;
    case 'not':
      walk(f.filter, rs, parent);
      return;
    case 'valuePath': {
      const def = leafOf(rs, f.path, parent);
      if (def.type !== 'complex') throw invalid(`A value filter needs a complex attribute; '${printPath(f.path)}' is not one`);
      walk(f.filter, rs, def);
      return;
    }
    case 'present':
    case 'compare': {
      let def: AttributeDefinition;
      if (f.path.filter) {
        const base = leafOf(rs, { uri: f.path.uri, attr: f.path.attr } as AttrPath, parent);
        if (base.type !== 'complex') throw invalid(`A value filter needs a complex attribute; '${f.path.attr}' is not one`);
        walk(f.path.filter, rs, base);
        def =
          f.path.sub !== undefined
            ? (findSubAttribute(base, f.path.sub) ?? fail(`Unknown sub-attribute '${f.path.sub}' of '${f.path.attr}'`))
            : base;
      } else def = leafOf(rs, f.path, parent);
      if (f.type === 'compare') checkCompare(f, def, printPath(f.path));
      return;
    }
  }
}

function fail(why: string): never {
  throw invalid(why);
}

/**
 * Checks a parsed filter against the resource type's schemas: unknown attributes and operators
 * that make no sense for the attribute's type (`active gt 1`, `meta.created gt "yesterday"`) are
 * `invalidFilter` up front, so evaluation never has to fail per resource.
 */
export function validateFilter(filter: Filter, rs: ResourceSchema): void {
  walk(filter, rs, undefined);
}

/** Checks a value filter (`type eq "work"`) against the sub-attributes of `parent`. */
export function validateElementFilter(filter: Filter, parent: AttributeDefinition, rs: ResourceSchema): void {
  walk(filter, rs, parent);
}

export interface CompiledFilter {
  readonly filter: Filter;
  matches(resource: JsonObject): boolean;
}

/** Parse, validate, and return a matcher: what a list endpoint needs. */
export function compileFilter(text: string, rs: ResourceSchema, limits?: Partial<FilterLimits>): CompiledFilter {
  const filter = parseFilter(text, limits);
  validateFilter(filter, rs);
  return { filter, matches: (r) => evaluateFilter(filter, r, rs) };
}
