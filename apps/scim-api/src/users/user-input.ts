import { type Role, type TeamId, type User, type UserId, type UserStatus, isEmail, newUserRecord, roles } from '@sso/domain';
import {
  ENTERPRISE_USER_SCHEMA,
  type JsonObject,
  type JsonValue,
  ScimError,
  USER_SCHEMA,
  WIRE_PROFILE_SCHEMA,
  WIRE_USER_SCHEMA,
  checkSchemas,
  checkText,
  checkValueCounts,
  deepEqual,
  deleteIgnoreCase,
  findKey,
  getIgnoreCase,
  isObject,
  isUnassigned,
  mergeRichInfo,
  normaliseResource,
  renderRichInfo,
  richInfoSize,
  type RichInfoField,
  userResourceSchema,
} from '@sso/scim';

/** What Wire keeps of a SCIM user (docs/spar-behaviour.md §5.2-5.3), derived from the document. */
export interface WireUserFields {
  /** userName as sent (case kept in SCIM output). */
  userName: string;
  /** The handle: userName lowercased. */
  handle: string;
  externalId: string;
  /** displayName, or the email / externalId when absent. */
  name: string;
  /** The identity email, if any. */
  email: string | null;
  language: string | null;
  role: Role | null;
  active: boolean;
  richInfo: RichInfoField[];
}

export interface ValidatedUser {
  /** The document to store: canonical keys, no id/meta/password, rich info in both forms. */
  doc: JsonObject;
  wire: WireUserFields;
}

const HANDLE = /^[a-z0-9_.-]{2,256}$/;
const invalid = (detail: string) => new ScimError('invalidValue', detail);

function str(doc: JsonObject, name: string): string | undefined {
  const v = getIgnoreCase(doc, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`'${name}' must be a string`);
  return v;
}

/** The primary entry of `emails`, else the first; only entries that are addresses count. */
export function pickEmail(doc: JsonObject): string | null {
  const emails = getIgnoreCase(doc, 'emails');
  if (!Array.isArray(emails)) return null;
  const values = emails.filter(isObject).map((e) => ({ primary: e['primary'] === true, value: e['value'] }));
  const valid = values.filter((e): e is { primary: boolean; value: string } => typeof e.value === 'string' && isEmail(e.value.trim()));
  return (valid.find((e) => e.primary) ?? valid[0])?.value.trim() ?? null;
}

function pickRole(doc: JsonObject): Role | null {
  const v = getIgnoreCase(doc, 'roles');
  if (v === undefined || v === null) return null;
  const list = Array.isArray(v) ? v : [v];
  const values = list.map((r) => (isObject(r) ? getIgnoreCase(r, 'value') : r)).filter((r) => !isUnassigned(r as JsonValue));
  if (values.length === 0) return null;
  if (values.length > 1) throw invalid('A user cannot have more than one role.');
  const r = values[0];
  if (typeof r !== 'string' || !(roles as readonly string[]).includes(r.toLowerCase())) {
    throw invalid(`The role '${typeof r === 'string' ? r : JSON.stringify(r)}' is not valid. Valid roles are ${roles.join(', ')}.`);
  }
  return r.toLowerCase() as Role;
}

/**
 * Validates a POST/PUT body (or a patched document) with spar's rules and returns the document
 * to store. Attributes brig has no column for are kept in the document; `password` is refused.
 */
export function validateUser(body: unknown, opts: { richInfoLimit: number; needsEmail: boolean }): ValidatedUser {
  if (!isObject(body)) throw new ScimError('invalidSyntax', 'The body must be a JSON object');
  const input: JsonObject = { ...body };
  if (findKey(input, 'schemas') === undefined) input['schemas'] = [USER_SCHEMA];
  const { resource } = normaliseResource(input, userResourceSchema, { dropUnknown: true });
  for (const k of ['id', 'meta']) deleteIgnoreCase(resource, k);
  // Before any rule reads a value: no path (POST, PUT, PATCH) stores more values than the caps
  // or text with control characters, bidi overrides or lone surrogates (docs/compatibility.md).
  checkValueCounts(resource, userResourceSchema);
  checkText(resource, userResourceSchema);
  if (findKey(resource, 'password') !== undefined) {
    throw invalid('Setting user passwords is not supported for security reasons.');
  }
  const schemas = checkSchemas(resource, userResourceSchema);

  const userName = str(resource, 'userName');
  if (userName === undefined || userName.trim() === '') throw invalid("'userName' is required");
  const handle = userName.toLowerCase();
  if (!HANDLE.test(handle)) throw invalid(`'userName' must be 2-256 characters of a-z, 0-9, '_', '.' and '-': ${JSON.stringify(userName)}`);

  const externalId = str(resource, 'externalId');
  if (externalId === undefined || externalId.trim() === '') throw invalid("'externalId' is required");

  const email = pickEmail(resource) ?? (isEmail(externalId.trim()) ? externalId.trim() : null);
  if (opts.needsEmail && email === null) {
    throw invalid('Could not process externalId: without an IdP, a user needs an email in emails or an externalId that is an email');
  }

  const displayName = str(resource, 'displayName');
  if (displayName !== undefined && (displayName.length < 1 || displayName.length > 128))
    throw invalid("'displayName' must be 1-128 characters");
  const name = displayName ?? email ?? externalId;
  if (name.length > 128)
    throw invalid("'displayName' is missing and the email or externalId standing in for it is longer than 128 characters");

  const lang = str(resource, 'preferredLanguage');
  if (lang !== undefined && !/^[a-z]{2}$/i.test(lang.trim())) throw invalid("'preferredLanguage' must be a two-letter ISO 639-1 code");

  const role = pickRole(resource);
  const activeV = getIgnoreCase(resource, 'active');
  const active = activeV === undefined || activeV === null ? true : activeV === true;

  const richInfo = mergeRichInfo(resource);
  if (richInfoSize(richInfo) > opts.richInfoLimit) {
    throw new ScimError('payload-too-large', `Rich info is larger than the limit of ${opts.richInfoLimit} characters`);
  }
  deleteIgnoreCase(resource, WIRE_PROFILE_SCHEMA);
  deleteIgnoreCase(resource, WIRE_USER_SCHEMA);

  const doc: JsonObject = { ...resource, schemas: [], userName, externalId, displayName: name, active };
  if (lang !== undefined) doc['preferredLanguage'] = lang.trim().toLowerCase();
  Object.assign(doc, renderRichInfo(richInfo));
  const ext = schemas.filter((s) => s !== USER_SCHEMA && s !== WIRE_PROFILE_SCHEMA && s !== WIRE_USER_SCHEMA);
  if (findKey(doc, ENTERPRISE_USER_SCHEMA) !== undefined && !ext.includes(ENTERPRISE_USER_SCHEMA)) ext.push(ENTERPRISE_USER_SCHEMA);
  doc['schemas'] = [USER_SCHEMA, ...ext, WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA];
  return {
    doc,
    wire: { userName, handle, externalId, name, email, language: lang?.trim().toLowerCase() ?? null, role, active, richInfo },
  };
}

/** brig's status for SCIM's `active`; pending invitations and ephemeral users are never changed. */
export function statusFor(current: UserStatus | null, active: boolean): UserStatus {
  if (current === 'pending-invitation' || current === 'ephemeral') return current;
  return active ? 'active' : 'suspended';
}

function profileFields(v: JsonValue | undefined): RichInfoField[] | undefined {
  try {
    return mergeRichInfo({ [WIRE_PROFILE_SCHEMA]: v ?? null });
  } catch {
    return undefined;
  }
}

/**
 * Rich info travels in two forms that a client may not keep in step: Okta and Entra change the
 * free map (`...:wire:1.0:User:<key>`) and send back the profile's `fields` as they read them. The
 * form that changed against the stored document wins; the other is rebuilt from it (the profile
 * keeps its order for the keys that remain), so removing or changing a key in either form works.
 */
export function reconcileRichInfo(before: JsonObject, after: unknown): unknown {
  if (!isObject(after)) return after;
  const mapKey = findKey(after, WIRE_USER_SCHEMA);
  const profKey = findKey(after, WIRE_PROFILE_SCHEMA);
  if (mapKey === undefined || profKey === undefined) return after;
  const oldFields = profileFields(getIgnoreCase(before, WIRE_PROFILE_SCHEMA));
  const sameProfile = deepEqual(profileFields(after[profKey]) as unknown as JsonValue, oldFields as unknown as JsonValue);
  const sameMap = deepEqual(after[mapKey], getIgnoreCase(before, WIRE_USER_SCHEMA));
  if (sameProfile && !sameMap) {
    const map = after[mapKey];
    if (!isObject(map)) return after;
    const byLower = new Map(Object.keys(map).map((k) => [k.toLowerCase(), k] as const));
    const fields: JsonValue[] = (oldFields ?? [])
      .filter((f) => byLower.has(f.type.toLowerCase()))
      .map((f) => ({ type: f.type, value: map[byLower.get(f.type.toLowerCase())!] ?? null }));
    return { ...after, [profKey]: { richInfo: { version: 0, fields } } };
  }
  if (sameMap && !sameProfile) {
    const out = { ...after };
    delete out[mapKey];
    return out;
  }
  return after;
}

/** The brig row of a new SCIM-managed user (POST, and the benchmark's seeding writes the same). */
export function scimUserRecord(id: UserId, team: TeamId, v: ValidatedUser, ssoId: string): User {
  return newUserRecord({
    id,
    team,
    name: v.wire.name,
    handle: v.wire.handle,
    emailUnvalidated: v.wire.email,
    language: v.wire.language,
    status: statusFor(null, v.wire.active),
    managedBy: 'scim',
    ssoId,
  });
}
