import { type TeamId, type UserId, isUuid } from '@sso/domain';
import type { ScimGroupRecord, ScimGroupStore } from '@sso/persistence';
import {
  type AttributeDefinition,
  type Filter,
  type FilterPath,
  type JsonObject,
  evaluateElementFilter,
  resolveAttribute,
  resolvePath,
  userResourceSchema,
} from '@sso/scim';

/**
 * Filters on a user's `groups` (`groups.value eq "<group id>"`, `groups.display eq "Sales"`,
 * `groups[display sw "Eng"]`, ...). Users carry no groups in their document: the memberships
 * live in the group tables. So a Users filter that names `groups` is answered from there: each
 * term that looks at `groups` becomes a condition on a group (its id, name, type and $ref), the
 * team's groups meeting any condition are found (by id, by `scim_group_by_name`, or by walking
 * the team's `scim_group` partition when the condition is neither), and their members read
 * (`scim_group_member`). Each candidate user is then evaluated with `groups` set to those of
 * these groups it is in. That is exact for every term, `not`, `ne`, `pr` and `eq null` included:
 * a term asks whether some group of the user meets its condition, and every group that does is
 * among those read.
 */

const rs = userResourceSchema;
const groupsDef = rs.core.attributes.find((a) => a.name === 'groups') as AttributeDefinition;

/**
 * The groups a user is in, as `groups` elements, for the users of the groups the filter needs;
 * each user's list in a stable order (by name, then id), so `sortBy=groups.display` sorts by the
 * first name.
 */
export type UserGroupsIndex = Map<UserId, JsonObject[]>;

function namesGroups(path: Pick<FilterPath, 'uri' | 'attr'>): boolean {
  return resolvePath(rs, { uri: path.uri, attr: path.attr })?.attribute === groupsDef;
}

/** Whether `sortBy` names `groups` (then every group of the team is needed). */
export function sortsByGroups(sortBy: string | undefined): boolean {
  const r = sortBy !== undefined && sortBy.trim() !== '' ? resolveAttribute(rs, sortBy.trim()) : undefined;
  return r?.attribute === groupsDef;
}

const and = (a: Filter | undefined, b: Filter): Filter => (a ? { type: 'and', left: a, right: b } : b);
const present = (attr: string): Filter => ({ type: 'present', path: { attr } });

/** The condition on one group under which a term about `groups` can hold; undefined for other terms. */
function conditionOf(f: Filter): Filter | undefined {
  switch (f.type) {
    case 'valuePath':
      return namesGroups(f.path) ? f.filter : undefined;
    case 'present':
      if (!namesGroups(f.path)) return undefined;
      return and(f.path.filter, present(f.path.sub ?? 'value'));
    case 'compare': {
      if (!namesGroups(f.path)) return undefined;
      const sub = f.path.sub ?? 'value';
      // `eq null` and `ne` are negations of `pr` and `eq`: the groups they look at are the same.
      const leaf: Filter =
        f.value === null
          ? present(sub)
          : {
              type: 'compare',
              op: f.op === 'ne' ? 'eq' : f.op,
              path: { attr: sub },
              value: f.value,
              ...(f.text !== undefined ? { text: f.text } : {}),
            };
      return and(f.path.filter, leaf);
    }
    default:
      return undefined;
  }
}

/** Every condition on groups in the filter, from terms at any depth. */
export function groupConditions(f: Filter): Filter[] {
  if (f.type === 'and' || f.type === 'or') return [...groupConditions(f.left), ...groupConditions(f.right)];
  if (f.type === 'not') return groupConditions(f.filter);
  const c = conditionOf(f);
  return c ? [c] : [];
}

function conjuncts(f: Filter): Filter[] {
  return f.type === 'and' ? [...conjuncts(f.left), ...conjuncts(f.right)] : [f];
}

/** `value eq "x"` / `display eq "x"` among the condition's conjuncts: a keyed way to its groups. */
function keyOf(cond: Filter, sub: 'value' | 'display'): string | undefined {
  for (const c of conjuncts(cond)) {
    if (
      c.type === 'compare' &&
      c.op === 'eq' &&
      !c.path.sub &&
      !c.path.filter &&
      c.path.attr.toLowerCase() === sub &&
      c.value !== null &&
      typeof c.value !== 'boolean'
    ) {
      return c.text ?? String(c.value);
    }
  }
  return undefined;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Group member partitions read at once. */
const MEMBER_READS = 8;
/** Rows per store page when a condition needs every group of the team. */
const SCAN_PAGE = 1000;

export class UserGroupsResolver {
  constructor(
    private readonly groups: ScimGroupStore,
    private readonly groupRef: (id: string) => string,
  ) {}

  private element(g: ScimGroupRecord): JsonObject {
    return { value: g.id, display: g.displayName, $ref: this.groupRef(g.id), type: 'direct' };
  }

  /** The groups that meet one condition. */
  private async groupsFor(team: TeamId, cond: Filter, all: () => Promise<ScimGroupRecord[]>): Promise<ScimGroupRecord[]> {
    const id = keyOf(cond, 'value');
    const name = keyOf(cond, 'display');
    let found: ScimGroupRecord[];
    if (id !== undefined) found = isUuid(id) ? await this.groups.getMany(team, [id.toLowerCase()]) : [];
    else if (name !== undefined) found = await this.groups.getMany(team, await this.groups.idsByName(team, name));
    else found = await all();
    // The keyed reads over-match (a stale name row, other conjuncts): check each group.
    return found.filter((g) => evaluateElementFilter(cond, this.element(g), groupsDef));
  }

  /**
   * The index a filter with `groups` terms (or a sort by `groups`: `everyGroup`) needs, or
   * undefined when there are none. Groups are read once however many conditions name them;
   * members are read per group.
   */
  async index(team: TeamId, filter: Filter | undefined, everyGroup = false): Promise<UserGroupsIndex | undefined> {
    const conds = filter ? groupConditions(filter) : [];
    if (everyGroup) conds.push(present('value'));
    if (conds.length === 0) return undefined;
    let teamGroups: Promise<ScimGroupRecord[]> | undefined;
    const all = () => (teamGroups ??= this.listAll(team));
    const wanted = new Map<string, ScimGroupRecord>();
    for (const cond of conds) for (const g of await this.groupsFor(team, cond, all)) wanted.set(g.id, g);
    const index: UserGroupsIndex = new Map();
    const byName = [...wanted.values()].sort((x, y) => cmp(x.displayName.toLowerCase(), y.displayName.toLowerCase()) || cmp(x.id, y.id));
    // Member partitions are read a few at a time in parallel, and indexed in name order.
    for (let i = 0; i < byName.length; i += MEMBER_READS) {
      const batch = byName.slice(i, i + MEMBER_READS);
      const members = await Promise.all(batch.map((g) => this.groups.members(team, g.id)));
      batch.forEach((g, j) => {
        const el = this.element(g);
        for (const m of members[j]!) {
          const list = index.get(m.user);
          if (list) list.push(el);
          else index.set(m.user, [el]);
        }
      });
    }
    return index;
  }

  private async listAll(team: TeamId): Promise<ScimGroupRecord[]> {
    const out: ScimGroupRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.groups.list(team, { limit: SCAN_PAGE, cursor });
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== null);
    return out;
  }
}
