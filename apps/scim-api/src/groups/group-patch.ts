import {
  type Filter,
  GROUP_SCHEMA,
  type JsonValue,
  type PatchOperation,
  ScimError,
  checkTextValue,
  evaluateElementFilter,
  groupResourceSchema,
  groupSchema,
  isObject,
  parsePatchPath,
  validateFilter,
} from '@sso/scim';
import { type MemberInput, checkMemberCount, displayNameOf, externalIdOf, membersOf } from './group-input';

/** One change of the member set, in request order. */
type MemberStep =
  | { kind: 'add'; members: MemberInput[] }
  | { kind: 'removeAll' }
  | { kind: 'removeIds'; ids: string[] }
  | { kind: 'removeWhere'; filter: Filter }
  | { kind: 'setDisplay'; filter: Filter | undefined; display: string | null };

/** What a PATCH asks for: new values of the group's own attributes, and member steps. */
interface GroupPatchPlan {
  displayName?: string;
  /** null removes it; undefined leaves it. */
  externalId?: string | null;
  steps: MemberStep[];
}

const membersAttr = groupSchema.attributes.find((a) => a.name === 'members')!;
/** Member operations that must look at every member (filters other than `value eq`, display changes). */
const MAX_MEMBER_SCANS = 10;
const invalidPath = (why: string) => new ScimError('invalidPath', why);
const readOnly = (name: string) => new ScimError('mutability', `'${name}' cannot be changed`);
const CORE_PREFIX = `${GROUP_SCHEMA.toLowerCase()}:`;

/** `urn:...:Group:displayName` and `displayName` alike; another schema's URN is not a Group attribute. */
function attrName(key: string): string {
  const k = key.toLowerCase();
  if (k.startsWith(CORE_PREFIX)) return k.slice(CORE_PREFIX.length);
  if (k.startsWith('urn:')) throw invalidPath(`'${key}' is not an attribute of a Group`);
  return k;
}

/**
 * Turns PATCH operations into a plan without touching storage, so member changes become row
 * writes instead of a rewritten list. The shapes of docs/scim-clients.md are all here:
 * `Remove` with a `value` list removes only those members (Entra, azure-docs #30826), `remove`
 * without one removes all, `members[value eq "…"]` filters, path-less `replace` with an object.
 */
export function planGroupPatch(ops: readonly PatchOperation[], groupId: string): GroupPatchPlan {
  const plan: GroupPatchPlan = { steps: [] };
  const members = (op: PatchOperation['op'], value: JsonValue | undefined) => {
    if (op === 'replace') plan.steps.push({ kind: 'removeAll' });
    plan.steps.push({ kind: 'add', members: membersOf(value) });
  };
  for (const op of ops) {
    if (op.path === undefined) {
      if (op.op === 'remove') throw new ScimError('noTarget', "A 'remove' operation needs a path");
      if (!isObject(op.value)) throw new ScimError('invalidValue', `A path-less '${op.op}' needs an object of attributes as its value`);
      for (const [key, v] of Object.entries(op.value)) {
        const name = attrName(key);
        if (name === 'displayname') plan.displayName = displayNameOf(v);
        else if (name === 'externalid') plan.externalId = externalIdOf(v);
        else if (name === 'members') members(op.op, v);
        else if (name === 'id') {
          // Entra repeats the id in the value: harmless when it is this group's.
          if (typeof v !== 'string' || v.toLowerCase() !== groupId.toLowerCase()) throw readOnly('id');
        } else if (name !== 'schemas' && name !== 'meta') throw invalidPath(`'${key}' is not an attribute of a Group`);
      }
      continue;
    }
    const p = parsePatchPath(op.path);
    if (p.uri !== undefined && p.uri.toLowerCase() !== GROUP_SCHEMA.toLowerCase())
      throw invalidPath(`'${op.path}' is not an attribute of a Group`);
    const name = p.attr.toLowerCase();
    if (name !== 'members' && (p.filter !== undefined || p.sub !== undefined)) throw invalidPath(`'${op.path}' is not a valid path`);
    if (name === 'displayname') {
      if (op.op === 'remove') throw new ScimError('invalidValue', "'displayName' is required");
      plan.displayName = displayNameOf(op.value);
    } else if (name === 'externalid') plan.externalId = op.op === 'remove' ? null : externalIdOf(op.value);
    else if (name === 'id' || name === 'meta' || name === 'schemas') throw readOnly(p.attr);
    else if (name === 'members') plan.steps.push(...memberSteps(op, p.filter, p.sub));
    else throw invalidPath(`'${op.path}' is not an attribute of a Group`);
  }
  checkMemberCount(plan.steps.reduce((n, s) => n + (s.kind === 'add' ? s.members.length : s.kind === 'removeIds' ? s.ids.length : 0), 0));
  // Each of these steps runs over every member of the group, which may be large: their number
  // is capped so a request costs at most a few passes over the members.
  const scans = plan.steps.filter((s) => s.kind === 'removeWhere' || s.kind === 'setDisplay').length;
  if (scans > MAX_MEMBER_SCANS) {
    throw new ScimError(
      'tooMany',
      `A PATCH request carries at most ${MAX_MEMBER_SCANS} member operations that filter on anything but 'value eq' (or set every member's display), got ${scans}`,
    );
  }
  return plan;
}

function memberSteps(op: PatchOperation, filter: Filter | undefined, sub: string | undefined): MemberStep[] {
  if (filter) validateFilter({ type: 'valuePath', path: { attr: 'members' }, filter }, groupResourceSchema);
  if (sub !== undefined) {
    if (sub.toLowerCase() !== 'display') throw readOnly(`members.${sub}`);
    if (op.op === 'remove') return [{ kind: 'setDisplay', filter, display: null }];
    if (typeof op.value !== 'string') throw new ScimError('invalidValue', "'members.display' must be a string");
    checkTextValue('members.display', op.value);
    return [{ kind: 'setDisplay', filter, display: op.value }];
  }
  if (filter) {
    const ids = valueEqualities(filter);
    const remove: MemberStep = ids ? { kind: 'removeIds', ids } : { kind: 'removeWhere', filter };
    if (op.op === 'remove') return [remove];
    if (op.op === 'replace') return [remove, { kind: 'add', members: membersOf(op.value) }];
    throw invalidPath("'add' takes 'members', not a filtered path");
  }
  if (op.op === 'add') return [{ kind: 'add', members: membersOf(op.value) }];
  if (op.op === 'replace') return [{ kind: 'removeAll' }, { kind: 'add', members: membersOf(op.value) }];
  const listed = membersOf(op.value);
  return op.value === undefined || op.value === null ? [{ kind: 'removeAll' }] : [{ kind: 'removeIds', ids: listed.map((m) => m.value) }];
}

/** `value eq "a" or value eq "b"`: the ids, so the removal needs no read of the members. */
function valueEqualities(f: Filter): string[] | undefined {
  if (f.type === 'or') {
    const l = valueEqualities(f.left);
    const r = valueEqualities(f.right);
    return l && r ? [...l, ...r] : undefined;
  }
  if (
    f.type === 'compare' &&
    f.op === 'eq' &&
    f.path.attr.toLowerCase() === 'value' &&
    !f.path.sub &&
    !f.path.filter &&
    !f.path.uri &&
    typeof f.value === 'string'
  )
    return [f.value];
  return undefined;
}

export const needsCurrentMembers = (steps: readonly MemberStep[]) =>
  steps.some((s) => s.kind === 'removeAll' || s.kind === 'removeWhere' || s.kind === 'setDisplay');

/**
 * Runs the steps over the current members (when a step needs them) and returns the rows to write
 * and to delete: only what the request names, so concurrent changes of other members survive.
 * Ids are compared in lowercase (uuids); values that are not ids are kept for the caller to judge.
 */
export function resolveMemberSteps(
  steps: readonly MemberStep[],
  current: ReadonlyArray<{ user: string; display: string | null }> | null,
): { add: Map<string, MemberInput>; remove: Set<string> } {
  const state = new Map<string, string | null>((current ?? []).map((m) => [m.user.toLowerCase(), m.display]));
  const add = new Map<string, MemberInput>();
  const remove = new Set<string>();
  const drop = (k: string) => {
    remove.add(k);
    add.delete(k);
    state.delete(k);
  };
  const element = (k: string, d: string | null) => ({ value: k, type: 'User', ...(d !== null ? { display: d } : {}) });
  for (const s of steps) {
    if (s.kind === 'add') {
      for (const m of s.members) {
        const k = m.value.toLowerCase();
        add.set(k, { value: k, display: m.display });
        remove.delete(k);
        state.set(k, m.display);
      }
    } else if (s.kind === 'removeIds') s.ids.forEach((id) => drop(id.toLowerCase()));
    else if (s.kind === 'removeAll') [...state.keys(), ...add.keys()].forEach(drop);
    else if (s.kind === 'removeWhere') {
      for (const [k, d] of [...state]) if (evaluateElementFilter(s.filter, element(k, d), membersAttr)) drop(k);
    } else {
      for (const [k, d] of [...state]) {
        if (s.filter && !evaluateElementFilter(s.filter, element(k, d), membersAttr)) continue;
        add.set(k, { value: k, display: s.display });
        state.set(k, s.display);
      }
    }
  }
  for (const k of add.keys()) remove.delete(k);
  return { add, remove };
}
