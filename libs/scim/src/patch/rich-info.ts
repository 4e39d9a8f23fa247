import { ScimError } from '../errors';
import { findKey, isObject, type JsonObject, type JsonValue } from '../json';
import { scimLimits, tooManyValues } from '../limits';
import { mergeRichInfo, renderRichInfo, type RichInfoField } from '../schema/rich-info';
import { WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA } from '../schema/wire';
import { checkAttributeName } from '../text';
import type { PatchOpName } from './request';

const PROFILE_PREFIX = `${WIRE_PROFILE_SCHEMA.toLowerCase()}:`;
const MAP_PREFIX = `${WIRE_USER_SCHEMA.toLowerCase()}:`;
/** `richInfo`, `richInfo.fields`, `richInfo[...]`: the profile's own attribute, not a field key. */
const PROFILE_ATTRIBUTE = /^richinfo(\.|\[|$)/i;

/**
 * The rich info field a PATCH path names, or undefined: `urn:ietf:params:scim:schemas:extension:wire:1.0:User:<key>`
 * (the free map) and `urn:wire:scim:schemas:profile:1.0:<key>` (the profile list, as spar reads
 * it), except `richInfo` and its sub-attributes under the profile URN, which name the list itself.
 */
export function richInfoKeyOf(path: string): string | undefined {
  const lower = path.toLowerCase();
  let key: string | undefined;
  let urn = WIRE_USER_SCHEMA;
  if (lower.startsWith(MAP_PREFIX)) key = path.slice(MAP_PREFIX.length);
  else if (lower.startsWith(PROFILE_PREFIX)) {
    key = path.slice(PROFILE_PREFIX.length);
    urn = WIRE_PROFILE_SCHEMA;
    if (PROFILE_ATTRIBUTE.test(key)) return undefined;
  }
  if (key === undefined) return undefined;
  if (key === '') throw new ScimError('invalidPath', `'${path}' names no rich info field`);
  // Before the key is compared or stored, with the message POST and PUT give for such a key.
  checkAttributeName(`${urn}:${key}`);
  return key;
}

/**
 * Wire's rich info is one ordered list of `{type, value}` that a user shows in two forms (the
 * profile's `richInfo.fields` and the free map). PATCH edits the list, so both forms stay in step
 * from one operation to the next: a key is matched ignoring case, a new one is appended, a changed
 * one keeps its position (and its spelling), a removed one leaves both forms. The list is read
 * once and written back only when a generic operation or the end of the PatchOp needs the forms.
 */
export class RichInfoEdit {
  private fields: RichInfoField[] | undefined;
  private dirty = false;

  constructor(private readonly res: JsonObject) {}

  private list(): RichInfoField[] {
    this.fields ??= mergeRichInfo(this.res);
    return this.fields;
  }

  /** add/replace of one field; `null` with replace (or an empty string) removes it (RFC 7643 §2.5; spar drops empty values). */
  set(op: PatchOpName, key: string, value: JsonValue | undefined): void {
    if (value === undefined) throw new ScimError('invalidValue', `'${op}' of rich info field '${key}' needs a value`);
    if (value !== null && typeof value !== 'string')
      throw new ScimError('invalidValue', `Rich info field '${key}' takes a string value, got ${JSON.stringify(value).slice(0, 64)}`);
    if (value === null || value === '') {
      if (op === 'replace' || value === '') this.remove(key);
      return;
    }
    const list = this.list();
    const i = list.findIndex((f) => f.type.toLowerCase() === key.toLowerCase());
    if (i >= 0) list[i] = { type: (list[i] as RichInfoField).type, value };
    else {
      if (list.length >= scimLimits.richInfoEntries) throw tooManyValues('richInfo.fields', scimLimits.richInfoEntries, list.length + 1);
      list.push({ type: key, value });
    }
    this.dirty = true;
  }

  remove(key: string): void {
    const list = this.list();
    const kept = list.filter((f) => f.type.toLowerCase() !== key.toLowerCase());
    if (kept.length === list.length) return;
    this.fields = kept;
    this.dirty = true;
  }

  /** Removing either form's URN removes the rich info: both forms are the same data. */
  clear(): void {
    this.fields = [];
    this.dirty = true;
  }

  /** After a generic operation changed the profile's `richInfo`: the list is what it now says. */
  reloadFromProfile(): void {
    const k = findKey(this.res, WIRE_PROFILE_SCHEMA);
    const profile = k === undefined ? undefined : this.res[k];
    this.fields = mergeRichInfo(isObject(profile) ? { [WIRE_PROFILE_SCHEMA]: profile } : {});
    this.dirty = true;
  }

  /** Writes both forms into the resource (or removes both when the list is empty). */
  flush(): void {
    if (!this.dirty || !this.fields) return;
    this.dirty = false;
    for (const id of [WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA]) {
      const k = findKey(this.res, id);
      if (k !== undefined) delete this.res[k];
    }
    if (this.fields.length > 0) Object.assign(this.res, renderRichInfo(this.fields));
  }
}
