import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import { evaluateElementFilter } from '../filter/evaluate';
import { parsePatchPath, type FilterLimits } from '../filter/parser';
import { validateElementFilter } from '../filter/validate';
import { clone, deepEqual, findKey, isObject, isUnassigned, type JsonObject, type JsonValue } from '../json';
import { scimLimits, tooManyValues } from '../limits';
import { normaliseResource } from '../normalise';
import { findSubAttribute, resolvePath, resolveSchemaUrn, splitAttributeText } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from '../schema/types';
import { WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA } from '../schema/wire';
import { enforcePrimary, mergeElements, removeMatching, seedFromFilter } from './elements';
import type { PatchOperation, PatchOpName } from './request';
import { RichInfoEdit, richInfoKeyOf } from './rich-info';
import { coerceSingle, coerceValue } from './values';

export interface PatchOptions {
  /**
   * A `replace` whose value filter matches no element: RFC 7644 §3.5.2.3 says 400 `noTarget`
   * (the default); 'add' creates the element from the filter's `eq` terms, as `add` does.
   */
  readonly replaceNoMatch?: 'noTarget' | 'add';
  /** Skip operations on attributes no schema defines instead of failing with `invalidPath`. */
  readonly ignoreUnknownAttributes?: boolean;
  readonly filterLimits?: Partial<FilterLimits>;
}

export interface PatchResult {
  readonly resource: JsonObject;
  /** False when the operations left the resource as it was (callers then skip the write). */
  readonly changed: boolean;
}

interface Target {
  readonly text: string;
  readonly schema: SchemaDefinition;
  readonly extension: boolean;
  readonly attr: AttributeDefinition;
  /** The JSON key inside the container (canonical name, or an open schema's key as given). */
  readonly key: string;
  readonly filter?: Filter;
  readonly sub?: AttributeDefinition;
}

const err = (t: ConstructorParameters<typeof ScimError>[0], why: string) => new ScimError(t, why);
const asList = (v: JsonValue | undefined): JsonValue[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Drops null sub-attributes: assigning null unassigns (RFC 7643 §2.5). */
function compact(v: JsonValue): JsonValue {
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = x;
  return out;
}

class Engine {
  private readonly touched = new Set<SchemaDefinition>();
  /** Wire's rich info, for resource types that carry both of its forms (Users). */
  private readonly rich: { edit: RichInfoEdit; schemas: SchemaDefinition[] } | undefined;
  constructor(
    readonly res: JsonObject,
    private readonly rs: ResourceSchema,
    private readonly opts: PatchOptions,
  ) {
    const profile = resolveSchemaUrn(rs, WIRE_PROFILE_SCHEMA);
    const map = resolveSchemaUrn(rs, WIRE_USER_SCHEMA);
    this.rich = profile && map ? { edit: new RichInfoEdit(res), schemas: [profile, map] } : undefined;
  }

  private isRichInfo(s: SchemaDefinition): boolean {
    return this.rich?.schemas.includes(s) ?? false;
  }

  /** One path (or path-less key) with its value: a rich info field, or a schema attribute. */
  private applyPath(op: PatchOpName, text: string, value: JsonValue | undefined, pathless: boolean): void {
    const key = this.rich ? richInfoKeyOf(text) : undefined;
    if (this.rich && key !== undefined) {
      if (op === 'remove') this.rich.edit.remove(key);
      else this.rich.edit.set(op, key, value);
      for (const s of this.rich.schemas) this.touched.add(s);
      return;
    }
    const target = this.resolveTarget(text);
    if (!target) return;
    // Generic operations see both rich info forms as the edits so far left them.
    this.rich?.edit.flush();
    this.applyTarget(op, target, value, pathless);
    if (this.rich && this.isRichInfo(target.schema)) {
      this.rich.edit.reloadFromProfile();
      for (const s of this.rich.schemas) this.touched.add(s);
    }
  }

  apply(op: PatchOperation): void {
    const path = op.path?.trim();
    if (!path) {
      if (op.op === 'remove') throw err('noTarget', "A 'remove' operation needs a path");
      if (!isObject(op.value)) throw err('invalidValue', `A path-less '${op.op}' needs an object of attributes as its value`);
      this.applyObject(op.op, op.value, undefined);
      return;
    }
    const ext = /^urn:/i.test(path) ? resolveSchemaUrn(this.rs, path) : undefined;
    if (ext && ext !== this.rs.core) {
      if (op.op === 'remove' && this.rich && this.isRichInfo(ext)) {
        this.rich.edit.clear();
        for (const s of this.rich.schemas) this.touched.add(s);
        return;
      }
      if (op.op === 'remove') {
        const k = findKey(this.res, ext.id);
        if (k !== undefined) delete this.res[k];
        this.touched.add(ext);
        return;
      }
      if (!isObject(op.value)) throw err('invalidValue', `The value for '${ext.id}' must be an object of its attributes`);
      this.applyObject(op.op, op.value, ext);
      return;
    }
    this.applyPath(op.op, path, op.value, false);
  }

  /**
   * A path-less add/replace: each key is a path of its own, plain (`displayName`), dotted
   * (`name.givenName`), URN-qualified (`urn:...:enterprise:2.0:User:department`) or a whole
   * extension (`"urn:...:enterprise:2.0:User": {...}`), which is what Entra with
   * `aadOptscim062020` and Okta send.
   */
  private applyObject(op: PatchOpName, value: JsonObject, ext: SchemaDefinition | undefined): void {
    const entries = Object.entries(value);
    if (ext?.openAttributes && entries.length > scimLimits.richInfoEntries)
      throw tooManyValues(ext.id, scimLimits.richInfoEntries, entries.length);
    for (const [k, v] of entries) {
      if (!ext && k.toLowerCase() === 'schemas') continue;
      const e = !ext && /^urn:/i.test(k) ? resolveSchemaUrn(this.rs, k) : undefined;
      if (e && e !== this.rs.core) {
        if (!isObject(v)) throw err('invalidValue', `The value for '${e.id}' must be an object of its attributes`);
        this.applyObject(op, v, e);
        continue;
      }
      this.applyPath(op, ext ? `${ext.id}:${k}` : k, v, true);
    }
  }

  private resolveTarget(text: string): Target | undefined {
    const parts = splitAttributeText(this.rs, text);
    const open = parts.uri !== undefined ? resolveSchemaUrn(this.rs, parts.uri) : undefined;
    if (open?.openAttributes) {
      const key = parts.sub === undefined ? parts.attr : `${parts.attr}.${parts.sub}`;
      if (key === '') throw err('invalidPath', `'${text}' names no attribute`);
      return { text, schema: open, extension: true, attr: { ...open.openAttributes, name: key }, key };
    }
    let fp;
    try {
      fp = parsePatchPath(text, this.opts.filterLimits);
    } catch (e) {
      if (e instanceof ScimError && !text.includes('[')) throw err('invalidPath', `'${text}' is not a valid attribute path`);
      throw e;
    }
    const r = resolvePath(this.rs, { uri: fp.uri, attr: fp.attr, sub: fp.filter ? undefined : fp.sub });
    if (!r) {
      if (this.opts.ignoreUnknownAttributes) return undefined;
      throw err('invalidPath', `Unknown attribute '${text}'`);
    }
    let sub = r.subAttribute;
    if (fp.filter) {
      if (!r.attribute.multiValued || r.attribute.type !== 'complex')
        throw err('invalidPath', `'${r.attribute.name}' is not a multi-valued complex attribute: it takes no value filter`);
      validateElementFilter(fp.filter, r.attribute, this.rs);
      if (fp.sub !== undefined) {
        sub = findSubAttribute(r.attribute, fp.sub);
        if (!sub) throw err('invalidPath', `'${r.attribute.name}' has no sub-attribute '${fp.sub}'`);
      }
    }
    return {
      text,
      schema: r.schema,
      extension: r.extension,
      attr: r.attribute,
      key: r.attribute.name,
      ...(fp.filter ? { filter: fp.filter } : {}),
      ...(sub ? { sub } : {}),
    };
  }

  private container(t: Target, create: boolean): JsonObject | undefined {
    if (!t.extension) return this.res;
    this.touched.add(t.schema);
    const k = findKey(this.res, t.schema.id);
    const c = k === undefined ? undefined : this.res[k];
    if (isObject(c)) return c;
    if (!create) return undefined;
    const fresh: JsonObject = {};
    this.res[t.schema.id] = fresh;
    return fresh;
  }

  private applyTarget(op: PatchOpName, t: Target, raw: JsonValue | undefined, pathless: boolean): void {
    if (t.attr.mutability === 'readOnly' || t.sub?.mutability === 'readOnly') {
      // Path-less values often echo the resource (Okta sends `id` with a rename): ignored, as a
      // PUT ignores readOnly values (RFC 7644 §3.5.1). A path that names one is an error.
      if (pathless) return;
      throw err('mutability', `Attribute '${t.text}' is readOnly`);
    }
    if (op === 'remove') return this.remove(t, raw);
    if (raw === undefined) throw err('invalidValue', `'${op}' of '${t.text}' needs a value`);
    if (!t.filter && !t.sub) return this.setWhole(op, t, raw);
    if (!t.attr.multiValued) return this.setSubOfSingle(op, t, raw);
    return this.setInElements(op, t, raw);
  }

  private checkImmutable(def: AttributeDefinition, before: JsonValue | undefined, after: JsonValue | undefined, where: string): void {
    if (def.mutability === 'immutable' && !isUnassigned(before) && !deepEqual(before, after)) {
      throw err('mutability', `Attribute '${where}' is immutable`);
    }
  }

  /**
   * The attribute's cap (schema `maxValues`) holds after every operation, and an operation that
   * brings more values is refused before any is read: the cost of one operation stays bounded by
   * the cap, whatever the number of operations.
   */
  private checkCount(t: Target, n: number): void {
    if (t.attr.maxValues !== undefined && n > t.attr.maxValues) throw tooManyValues(t.text, t.attr.maxValues, n);
  }

  private setWhole(op: PatchOpName, t: Target, raw: JsonValue): void {
    if (t.attr.multiValued && Array.isArray(raw)) this.checkCount(t, raw.length);
    const value = coerceValue(t.attr, raw, t.text);
    const empty = value === null || (Array.isArray(value) && value.length === 0);
    // `add` of nothing adds nothing; `replace` with null or [] unassigns (RFC 7643 §2.5).
    if (empty && op === 'add') return;
    const c = this.container(t, !empty);
    if (!c) return;
    const key = findKey(c, t.key) ?? t.key;
    const current = c[key];
    let next: JsonValue | undefined;
    if (empty) next = undefined;
    else if (t.attr.multiValued) {
      const added = (value as JsonValue[]).map(compact);
      next = mergeElements(t.attr, op === 'add' ? asList(current) : [], added);
      if (next.length > asList(current).length) this.checkCount(t, next.length);
      enforcePrimary(t.attr, next, added);
    } else if (t.attr.type === 'complex' && isObject(value)) {
      // Sub-attributes not given stay as they are, for replace as for add (RFC 7644 §3.5.2.3).
      next = compact({ ...(isObject(current) ? current : {}), ...value });
      if (isUnassigned(next)) next = undefined;
    } else next = value;
    this.checkImmutable(t.attr, current, next, t.text);
    if (next === undefined) delete c[key];
    else {
      if (key !== t.key) delete c[key];
      c[t.extension && t.schema.openAttributes ? key : t.key] = next;
      if (t.schema.openAttributes && current === undefined) {
        const n = Object.keys(c).length;
        if (n > scimLimits.richInfoEntries) throw tooManyValues(t.schema.id, scimLimits.richInfoEntries, n);
      }
    }
  }

  /** `name.givenName`, `urn:...:enterprise:2.0:User:manager.value`. */
  private setSubOfSingle(op: PatchOpName, t: Target, raw: JsonValue): void {
    const sub = t.sub as AttributeDefinition;
    const value = coerceValue(sub, raw, t.text);
    if (value === null && op === 'add') return;
    const c = this.container(t, value !== null);
    if (!c) return;
    const current = c[t.key];
    const obj: JsonObject = isObject(current) ? { ...current } : {};
    this.checkImmutable(sub, obj[sub.name], value ?? undefined, t.text);
    if (value === null) delete obj[sub.name];
    else obj[sub.name] = value;
    if (isUnassigned(obj)) delete c[t.key];
    else c[t.key] = obj;
  }

  /** `emails[type eq "work"].value`, `members[value eq "x"]`, `emails.value`. */
  private setInElements(op: PatchOpName, t: Target, raw: JsonValue): void {
    const c = this.container(t, true) as JsonObject;
    const list = asList(c[t.key]).map((e) => clone(e));
    const matches = list.flatMap((e, i) => (isObject(e) && (!t.filter || evaluateElementFilter(t.filter, e, t.attr)) ? [i] : []));
    const value = t.sub ? coerceValue(t.sub, raw, t.text) : coerceSingle(t.attr, raw, t.text);
    const written: JsonValue[] = [];
    if (matches.length === 0) {
      if (op === 'replace' && t.filter && this.opts.replaceNoMatch !== 'add') {
        throw err('noTarget', `No value of '${t.attr.name}' matches the filter in '${t.text}'`);
      }
      if (value === null) return;
      const seed = t.filter ? seedFromFilter(t.filter, t.attr) : {};
      if (!seed) throw err('noTarget', `No value of '${t.attr.name}' matches '${t.text}', and its filter does not describe a new one`);
      const fresh = compact(t.sub ? { ...seed, [t.sub.name]: value } : { ...seed, ...(value as JsonObject) });
      list.push(fresh);
      this.checkCount(t, list.length);
      written.push(fresh);
    } else {
      for (const i of matches) {
        const el = list[i] as JsonObject;
        let next: JsonObject;
        if (t.sub) {
          this.checkImmutable(t.sub, el[t.sub.name], value ?? undefined, t.text);
          next = { ...el };
          if (value === null) delete next[t.sub.name];
          else next[t.sub.name] = value;
        } else {
          // add merges into the matching values; replace replaces them (RFC 7644 §3.5.2.3).
          next = compact(op === 'add' ? { ...el, ...(value as JsonObject) } : (value as JsonObject)) as JsonObject;
          for (const s of t.attr.subAttributes ?? []) this.checkImmutable(s, el[s.name], next[s.name], `${t.text}.${s.name}`);
        }
        list[i] = next;
        written.push(next);
      }
    }
    const kept = list.filter((e) => !isUnassigned(e));
    enforcePrimary(t.attr, kept, written);
    if (kept.length === 0) delete c[t.key];
    else c[t.key] = kept;
  }

  private remove(t: Target, raw: JsonValue | undefined): void {
    const c = this.container(t, false);
    if (!c) return;
    const key = findKey(c, t.key);
    if (key === undefined) return; // nothing to remove: a no-op, so retries are harmless
    const whole = !t.filter && !t.sub;
    if (whole && t.attr.multiValued && raw !== undefined && raw !== null) {
      // Entra without aadOptscim062020: `Remove` + `path: members` + `value: [{value: id}]` removes
      // those members; emptying the group (a literal reading) loses memberships (azure-docs #30826).
      const drop = coerceValue(t.attr, raw, t.text) as JsonValue[];
      const kept = removeMatching(t.attr, asList(c[key]), drop);
      if (kept.length === 0) delete c[key];
      else c[key] = kept;
      return;
    }
    if (whole) {
      if (t.attr.required) throw err('mutability', `Attribute '${t.text}' is required and cannot be removed`);
      this.checkImmutable(t.attr, c[key], undefined, t.text);
      delete c[key];
      return;
    }
    if (!t.attr.multiValued) {
      const obj = c[key];
      if (!isObject(obj)) return;
      const sub = t.sub as AttributeDefinition;
      const sk = findKey(obj, sub.name);
      if (sk === undefined) return;
      this.checkImmutable(sub, obj[sk], undefined, t.text);
      const next = { ...obj };
      delete next[sk];
      if (isUnassigned(next)) delete c[key];
      else c[key] = next;
      return;
    }
    const list = asList(c[key]);
    const kept: JsonValue[] = [];
    for (const e of list) {
      const hit = isObject(e) && (!t.filter || evaluateElementFilter(t.filter, e, t.attr));
      if (!hit) kept.push(e);
      else if (t.sub) {
        const sk = findKey(e, t.sub.name);
        if (sk === undefined) {
          kept.push(e);
          continue;
        }
        this.checkImmutable(t.sub, e[sk], undefined, t.text);
        const next = { ...e };
        delete next[sk];
        if (!isUnassigned(next)) kept.push(next);
      }
    }
    if (kept.length === 0) delete c[key];
    else c[key] = kept;
  }

  /** Keeps `schemas` in step with the extensions the operations filled or emptied. */
  finish(): void {
    this.rich?.edit.flush();
    const schemas = this.res['schemas'];
    for (const ext of this.touched) {
      const k = findKey(this.res, ext.id);
      const present = k !== undefined && !isUnassigned(this.res[k]);
      if (k !== undefined && !present) delete this.res[k];
      if (!Array.isArray(schemas)) continue;
      const listed = schemas.findIndex((s) => typeof s === 'string' && s.toLowerCase() === ext.id.toLowerCase());
      if (present && listed < 0) schemas.push(ext.id);
      if (!present && listed >= 0) schemas.splice(listed, 1);
    }
  }
}

/**
 * Applies RFC 7644 §3.5.2 operations to a resource, all or nothing: the first failing operation
 * throws a `ScimError` and the input is left untouched. The result is normalised (canonical
 * attribute names, booleans); `changed` compares it with the normalised input.
 */
export function applyPatch(
  resource: JsonObject,
  operations: readonly PatchOperation[],
  rs: ResourceSchema,
  opts: PatchOptions = {},
): PatchResult {
  const before = normaliseResource(resource, rs).resource;
  const engine = new Engine(clone(before), rs, opts);
  for (const op of operations) engine.apply(op);
  engine.finish();
  return { resource: engine.res, changed: !deepEqual(before, engine.res) };
}
