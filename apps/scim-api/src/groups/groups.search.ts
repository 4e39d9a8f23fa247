import { type TeamId, type UserId, isUuid } from '@sso/domain';
import { MAX_PAGE_SIZE, type ScimGroupRecord, type ScimGroupStore } from '@sso/persistence';
import {
  type CompiledFilter,
  type Filter,
  type IndexableEquality,
  type JsonObject,
  groupResourceSchema,
  listResponse,
  projectResource,
} from '@sso/scim';
import type { CursorCodec } from '../common/cursor';
import { invalidCursor, offsetCursorPage, planList } from '../common/list-query';
import type { UserQuery } from '../users/users.search';
import type { GroupsHandler, LoadedGroup } from './groups.handler';

const rs = groupResourceSchema;
/** Rows per store page when a query reads the whole team. */
const SCAN_PAGE = 1000;
/** Store pages a cursor request reads to fill a page a residual filter leaves short. */
const WALK_ROUNDS = 5;

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
export function outputNeedsMembers(q: Pick<UserQuery, 'attributes' | 'excludedAttributes'>): boolean {
  const probe = projectResource({ schemas: [], displayName: 'x', members: [{ value: 'x' }] }, rs, { attributes: q.attributes, excludedAttributes: q.excludedAttributes });
  return probe['members'] !== undefined;
}

/**
 * GET /Groups and POST /Groups/.search. `id`, `displayName` and `members.value` equalities are
 * keyed reads (the group row, `scim_group_by_name`, `scim_user_group`); anything else walks the
 * team's `scim_group` partition and evaluates the filter in memory. Paging as for Users: cursor
 * walks on Cassandra's paging state without sort or keyed filter, offsets otherwise.
 */
export class GroupsSearch {
  constructor(
    private readonly handler: GroupsHandler,
    private readonly groups: ScimGroupStore,
    private readonly cursors: CursorCodec,
    private readonly limits: { maxResults: number; defaultCount: number },
  ) {}

  async list(team: TeamId, q: UserQuery, render: (g: LoadedGroup) => JsonObject): Promise<JsonObject> {
    const plan = planList('groups', team, q, rs, ['id', 'displayName', 'members.value'], this.limits);
    const { paging, filter, sort, keyed } = plan;
    const outMembers = outputNeedsMembers(q);
    const evalMembers = (filter !== undefined && mentionsMembers(filter.filter)) || (q.sortBy ?? '').toLowerCase().includes('members');
    const out = async (page: LoadedGroup[]) => (await this.withMembers(team, page, outMembers)).map((g) => projectResource(render(g), rs, q));

    if (paging.cursor !== undefined) {
      const pos = this.cursors.decode(plan.cursorScope, paging.cursor);
      if (!sort && !keyed && paging.count > 0) {
        if ('offset' in pos && pos.offset !== 0) throw invalidCursor();
        const { items, next } = await this.walkPage(team, filter, evalMembers, 'page' in pos ? pos.page : null, paging.count, render);
        return listResponse({ resources: await out(items), cursorPaging: true, ...(next !== null ? { nextCursor: this.cursors.encode(plan.cursorScope, { page: next }) } : {}) });
      }
      const matched = await this.matchAll(team, filter, keyed, sort, evalMembers, render);
      return offsetCursorPage(matched, pos, plan, this.cursors, out);
    }
    const matched = await this.matchAll(team, filter, keyed, sort, evalMembers, render);
    const page = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    return listResponse({ resources: await out(page), totalResults: matched.length, startIndex: paging.startIndex });
  }

  /** Reads the members of the groups that lack them, when the output shows them. */
  private async withMembers(team: TeamId, page: LoadedGroup[], needed: boolean): Promise<LoadedGroup[]> {
    if (!needed) return page.map((g) => ({ ...g, members: null }));
    return Promise.all(page.map(async (g) => (g.members !== null ? g : { ...g, members: await this.groups.members(team, g.group.id) })));
  }

  private async matchAll(
    team: TeamId,
    filter: CompiledFilter | undefined,
    keyed: IndexableEquality | undefined,
    sort: ((a: JsonObject, b: JsonObject) => number) | undefined,
    evalMembers: boolean,
    render: (g: LoadedGroup) => JsonObject,
  ): Promise<LoadedGroup[]> {
    let found = await this.withMembers(team, await this.candidates(team, keyed), evalMembers);
    if (filter) found = found.filter((g) => filter.matches(render(g)));
    if (sort) {
      const keyedBy = new Map(found.map((g) => [g, render(g)]));
      found.sort((a, b) => sort(keyedBy.get(a)!, keyedBy.get(b)!));
    }
    return found;
  }

  /** The groups a filter can match: a keyed read when it allows, else the whole team in partition order. */
  private async candidates(team: TeamId, eq: IndexableEquality | undefined): Promise<LoadedGroup[]> {
    const wrap = (gs: ScimGroupRecord[]) => gs.map((g) => this.handler.wrap(g, null));
    if (eq?.attribute === 'id') {
      const g = await this.handler.load(team, eq.value, false);
      return g ? [g] : [];
    }
    if (eq?.attribute === 'displayName') return wrap(await this.groups.getMany(team, await this.groups.idsByName(team, eq.value)));
    if (eq?.attribute === 'members.value') {
      if (!isUuid(eq.value)) return [];
      return wrap(await this.groups.getMany(team, await this.groups.groupsOf(team, eq.value.toLowerCase() as UserId)));
    }
    const out: LoadedGroup[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.groups.list(team, { limit: SCAN_PAGE, cursor });
      out.push(...wrap(page.items));
      cursor = page.cursor;
    } while (cursor !== null);
    return out;
  }

  /** One cursor page of the team walk (see UsersSearch.walkPage): ends on a store page boundary. */
  private async walkPage(
    team: TeamId,
    filter: CompiledFilter | undefined,
    evalMembers: boolean,
    start: string | null,
    count: number,
    render: (g: LoadedGroup) => JsonObject,
  ): Promise<{ items: LoadedGroup[]; next: string | null }> {
    const items: LoadedGroup[] = [];
    let cursor = start;
    for (let round = 0; round < WALK_ROUNDS && items.length < count; round++) {
      const page = await this.groups.list(team, { limit: Math.min(count - items.length, MAX_PAGE_SIZE), cursor });
      const gs = await this.withMembers(
        team,
        page.items.map((g) => this.handler.wrap(g, null)),
        evalMembers,
      );
      items.push(...gs.filter((g) => !filter || filter.matches(render(g))));
      cursor = page.cursor;
      if (cursor === null) break;
    }
    return { items, next: cursor };
  }
}

