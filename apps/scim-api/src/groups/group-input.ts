import { isUuid } from '@sso/domain';
import { GROUP_SCHEMA, type JsonValue, ScimError, checkTextValue, findKey, isObject, scimLimits } from '@sso/scim';

/** spar's limit on a group's name. */
const MAX_DISPLAY_NAME = 4000;

/** A member as a client sent it: `value` (a user id, maybe not one) and an optional display text. */
export interface MemberInput {
  value: string;
  display: string | null;
}

interface GroupInput {
  displayName: string;
  externalId: string | null;
  members: MemberInput[];
}

const invalid = (why: string) => new ScimError('invalidValue', why);

export function displayNameOf(v: JsonValue | undefined): string {
  if (typeof v !== 'string') throw invalid("'displayName' is required and must be a string");
  const n = [...v].length;
  if (n < 1 || n > MAX_DISPLAY_NAME) throw invalid(`'displayName' must have 1 to ${MAX_DISPLAY_NAME} characters`);
  checkTextValue('displayName', v);
  return v;
}

export function externalIdOf(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid("'externalId' must be a string");
  checkTextValue('externalId', v);
  return v === '' ? null : v;
}

/**
 * Members from a POST/PUT body or a PATCH value. Only `value` is used (spar also demands `type`
 * and `$ref`; clients omit them). `display`, or `displayName` as the Microsoft suite sends it, is
 * kept. A bare string is taken as the member's `value` (the suite's garbage folder sends one).
 */
export function membersOf(v: JsonValue | undefined): MemberInput[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  checkMemberCount(list.length);
  return list.map((m, i) => {
    if (typeof m === 'string') return { value: m, display: null };
    if (!isObject(m)) throw invalid(`members[${i}] must be an object with a 'value'`);
    const vk = findKey(m, 'value');
    const value = vk === undefined ? undefined : m[vk];
    if (typeof value !== 'string' || value === '') throw invalid(`members[${i}].value must be a user id`);
    const dk = findKey(m, 'display') ?? findKey(m, 'displayName');
    const display = dk === undefined ? null : m[dk];
    if (display !== null && typeof display !== 'string') throw invalid(`members[${i}].display must be a string`);
    // Values are never stored unless they are user ids; the display text is.
    if (display !== null) checkTextValue(`members[${i}].display`, display);
    return { value, display };
  });
}

/**
 * One request names at most `scimLimits.membersPerRequest` members (a PATCH counts them over all
 * its operations); the group itself may grow beyond that over several requests.
 */
export function checkMemberCount(n: number): void {
  const max = scimLimits.membersPerRequest;
  if (n > max) throw invalid(`Attribute 'members' takes at most ${max} members in one request, got ${n}: send them in several requests`);
}

/** A POST or PUT body. `schemas`, when given, must name the Group schema; `id` and `meta` are ignored. */
export function validateGroup(body: unknown): GroupInput {
  if (!isObject(body)) throw new ScimError('invalidSyntax', 'A group must be a JSON object');
  const get = (name: string) => {
    const k = findKey(body, name);
    return k === undefined ? undefined : body[k];
  };
  const schemas = get('schemas');
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === GROUP_SCHEMA.toLowerCase()))
  ) {
    throw invalid(`'schemas' must contain '${GROUP_SCHEMA}'`);
  }
  const members = get('members');
  if (members !== undefined && members !== null && !Array.isArray(members)) throw invalid("'members' must be a list");
  return { displayName: displayNameOf(get('displayName')), externalId: externalIdOf(get('externalId')), members: membersOf(members) };
}

/** Members whose value is not a uuid: spar answers 400 for those before looking anything up. */
export function nonUuidMembers(members: readonly MemberInput[]): string[] {
  return members.filter((m) => !isUuid(m.value)).map((m) => m.value);
}

/** spar's message for members that are not SCIM users of the team. */
export function notTeamUsers(ids: readonly string[]): ScimError {
  return invalid(`These users do not exist, are not in your team, or not "managed_by" = "scim": ${ids.join(', ')}`);
}
