import { type TeamId, isUuid, userId } from '@sso/domain';
import type { ScimGroupRecord, ScimGroupStore } from '@sso/persistence';
import { type Filter, type IndexableEquality, type JsonObject, groupResourceSchema, projectResource } from '@sso/scim';
import type { CursorCodec } from '../common/cursor';
import { type ListLimits, type ListQuery, planList } from '../common/list-query';
import type { IndexPaging } from '../common/index-paging';
import { type ListSource, runList } from '../common/list-run';
import type { GroupsHandler, LoadedGroup } from './groups.handler';

const rs = groupResourceSchema;
/** Rows per store page when a query reads the whole team. */
const SCAN_PAGE = 1000;

/** Whether a filter looks at members (then they must be read to evaluate it). */
function mentionsMembers(f: Filter): boolean {
  switch (f.type) {
    case 'and':
    case 'or':
      return mentionsMembers(f.left) || mentionsMembers(f.right);
    case 'not':
      return mentionsMembers(f.filter);
    default:
      return f.path.attr.toLowerCase() === 'members';
  }
}

/** Whether the projection keeps `members` (`excludedAttributes=members` must not read them). */
export function outputNeedsMembers(q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): boolean {
  const probe = projectResource({ schemas: [], displayName: 'x', members: [{ value: 'x' }] }, rs, {
    attributes: q.attributes,
    excludedAttributes: q.excludedAttributes,
  });
  return probe['members'] !== undefined;
}

/**
 * GET /Groups and POST /Groups/.search (paging: `runList`). `id`, `displayName` and
 * `members.value` equalities are keyed reads (the group row, `scim_group_by_name`,
 * `scim_user_group`); anything else walks the team's `scim_group` partition and evaluates the
 * filter in memory. Members are read only when the filter, the sort or the output needs them.
 */
export class GroupsSearch {
  constructor(
    private readonly handler: GroupsHandler,
    private readonly groups: ScimGroupStore,
    private readonly cursors: CursorCodec,
    private readonly limits: ListLimits,
    private readonly index?: IndexPaging,
  ) {}

  async list(team: TeamId, q: ListQuery, render: (g: LoadedGroup) => JsonObject): Promise<JsonObject> {
    const plan = planList('groups', team, q, rs, ['id', 'displayName', 'members.value'], this.limits);
    const outMembers = outputNeedsMembers(q);
    const evalMembers =
      (plan.filter !== undefined && mentionsMembers(plan.filter.filter)) || (q.sortBy ?? '').toLowerCase().includes('members');
    const source: ListSource<LoadedGroup> = {
      storePage: async (cursor, limit) => {
        const page = await this.groups.list(team, { limit, cursor });
        return { items: await this.withMembers(team, this.wrap(page.items), evalMembers), next: page.cursor };
      },
      candidates: async () => this.withMembers(team, await this.candidates(team, plan.keyed), evalMembers),
      render,
      output: async (page) =>
        (
          await this.withMembers(
            team,
            page.map((r) => r.item),
            outMembers,
          )
        ).map((g) => projectResource(render(g), rs, q)),
      indexWalk: {
        kind: 'groups',
        team,
        scan: async (cursor, limit) => {
          const page = await this.groups.list(team, { limit, cursor });
          return { shown: page.items.length, next: page.cursor };
        },
        load: async (cursor, limit) => {
          const page = await this.groups.list(team, { limit, cursor });
          return { items: this.wrap(page.items).map((item) => ({ item, resource: render(item) })), next: page.cursor };
        },
      },
    };
    return runList(plan, source, this.cursors, this.index);
  }

  private wrap(gs: ScimGroupRecord[]): LoadedGroup[] {
    return gs.map((g) => this.handler.wrap(g, null));
  }

  /** Reads the members of the groups that lack them, when needed. */
  private async withMembers(team: TeamId, page: LoadedGroup[], needed: boolean): Promise<LoadedGroup[]> {
    if (!needed) return page.map((g) => ({ ...g, members: null }));
    return Promise.all(page.map(async (g) => (g.members !== null ? g : { ...g, members: await this.groups.members(team, g.group.id) })));
  }

  /** The groups a filter can match: a keyed read when it allows, else the whole team in partition order. */
  private async candidates(team: TeamId, eq: IndexableEquality | undefined): Promise<LoadedGroup[]> {
    if (eq?.attribute === 'id') {
      const g = await this.handler.load(team, eq.value, false);
      return g ? [g] : [];
    }
    if (eq?.attribute === 'displayName') return this.wrap(await this.groups.getMany(team, await this.groups.idsByName(team, eq.value)));
    if (eq?.attribute === 'members.value') {
      if (!isUuid(eq.value)) return [];
      return this.wrap(await this.groups.getMany(team, await this.groups.groupsOf(team, userId(eq.value))));
    }
    const out: LoadedGroup[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.groups.list(team, { limit: SCAN_PAGE, cursor });
      out.push(...this.wrap(page.items));
      cursor = page.cursor;
    } while (cursor !== null);
    return out;
  }
}
