import type { TeamId, TeamMember } from '@sso/domain';
import type { IdentityStores, Page, ScimGroupStore } from '@sso/persistence';
import { type IndexableEquality, type JsonObject, projectResource, userResourceSchema } from '@sso/scim';
import type { CursorCodec } from '../common/cursor';
import { type ListLimits, type ListQuery, planList } from '../common/list-query';
import type { IndexPaging } from '../common/index-paging';
import { type ListSource, runList } from '../common/list-run';
import { UserGroupsResolver, type UserGroupsIndex, sortsByGroups } from './user-groups-filter';
import { type LoadedUser, UserReader } from './user-reader';

const rs = userResourceSchema;

/**
 * Whether a list page shows `groups`: only when `attributes` names them (they cost a read per
 * user; GET by id shows them by default).
 */
function listsGroups(q: ListQuery): boolean {
  if (q.attributes === undefined) return false;
  const probe = projectResource({ schemas: [], groups: [{ value: 'x' }] }, rs, {
    attributes: q.attributes,
    excludedAttributes: q.excludedAttributes,
  });
  return probe['groups'] !== undefined;
}
/** Default projections of frozen (shared, never changed) renderings: the users of the validated cache. */
const projected = new WeakMap<JsonObject, JsonObject>();

/** The projection without `attributes`/`excludedAttributes`, computed once per frozen rendering. */
function projectDefault(r: JsonObject): JsonObject {
  if (!Object.isFrozen(r)) return projectResource(r, rs, {});
  let p = projected.get(r);
  if (p === undefined) {
    p = Object.freeze(projectResource(r, rs, {}));
    projected.set(r, p);
  }
  return p;
}

/** Rows per page when walking a team's `team_member` partition. */
const SCAN_PAGE = 500;
/** Keyed attributes, best first; `groups.*` equalities read the group's members (user-groups-filter.ts). */
const KEYED = ['id', 'userName', 'externalId', 'groups.value', 'groups.display'];

/**
 * GET /Users and POST /Users/.search (paging: `runList`). An equality on id, userName or
 * externalId is a keyed read (brig.user, brig.user_handle, spar.scim_external, with the fallbacks
 * for users SSO created: `UserReader.findByKey`); anything else
 * walks the team's members (galley `team_member`, one partition, paged) and evaluates the filter
 * in memory; a filter on `groups` is answered from the group tables (user-groups-filter.ts), and
 * an equality on `groups.value` or `groups.display` reads only that group's members as candidates.
 * Never a table scan and no filtering query on the server. Index paging without
 * filter and sort pages from checkpoints with the team's kept count (common/index-paging.ts).
 */
export class UsersSearch {
  constructor(
    private readonly handler: UserReader,
    private readonly identity: IdentityStores,
    private readonly groups: ScimGroupStore,
    private readonly cursors: CursorCodec,
    private readonly limits: ListLimits,
    private readonly index?: IndexPaging,
  ) {}

  /** `groupRef` makes a group's `$ref` (what `groups.$ref` filters compare). */
  async list(team: TeamId, q: ListQuery, render: (u: LoadedUser) => JsonObject, groupRef: (id: string) => string): Promise<JsonObject> {
    const plan = planList('users', team, q, rs, KEYED, this.limits);
    const project =
      q.attributes === undefined && q.excludedAttributes === undefined
        ? projectDefault
        : (r: JsonObject) => projectResource(r, rs, { attributes: q.attributes, excludedAttributes: q.excludedAttributes });
    const groupsIndex = await new UserGroupsResolver(this.groups, groupRef).index(team, plan.filter?.filter, sortsByGroups(q.sortBy));
    // With `groups` terms the filter (and sort) sees the user's groups among those it names; lists show no groups.
    const forFilter = groupsIndex ? (u: LoadedUser) => ({ ...render(u), groups: groupsIndex.get(u.user.id) ?? [] }) : render;
    const source: ListSource<LoadedUser> = {
      storePage: async (cursor, limit) => {
        const page = await this.identity.teams.listMembers(team, { limit, cursor });
        return { items: await this.handler.loadMembers(team, page.items), next: page.cursor };
      },
      candidates: () => this.candidates(team, plan.keyed, groupsIndex),
      render: forFilter,
      output: async (page) => {
        const shown = page.map((r) => (groupsIndex ? render(r.item) : r.resource));
        if (!listsGroups(q)) return shown.map(project);
        // Asked for by name: each user's groups (one reverse-table read per user of the page).
        const groups = await Promise.all(page.map((r) => this.handler.groupsOf(team, r.item.user.id)));
        return shown.map((res, i) =>
          project(
            groups[i]!.length > 0
              ? { ...res, groups: groups[i]!.map((g) => ({ value: g.id, display: g.displayName, $ref: groupRef(g.id), type: 'direct' })) }
              : res,
          ),
        );
      },
      indexWalk: {
        kind: 'users',
        team,
        scan: async (cursor, limit) => {
          const page = await this.identity.teams.listMembers(team, { limit, cursor });
          return { shown: await this.handler.countVisible(team, page.items), next: page.cursor };
        },
        load: async (cursor, limit) => {
          const page = await this.identity.teams.listMembers(team, { limit, cursor });
          const users = await this.handler.loadMembers(team, page.items);
          return { items: users.map((item) => ({ item, resource: render(item) })), next: page.cursor };
        },
      },
    };
    return runList(plan, source, this.cursors, this.index);
  }

  /** The users the filter can match: one keyed lookup when it allows, else the whole team. */
  private async candidates(
    team: TeamId,
    eq: IndexableEquality | undefined,
    groupsIndex: UserGroupsIndex | undefined,
  ): Promise<LoadedUser[]> {
    if (eq && groupsIndex && eq.attribute.startsWith('groups.')) {
      // Every match is in a group the keyed term names, and those groups' members are in the index.
      const ids = [...groupsIndex.keys()];
      const out: LoadedUser[] = [];
      for (let i = 0; i < ids.length; i += SCAN_PAGE) out.push(...(await this.handler.loadIds(team, ids.slice(i, i + SCAN_PAGE))));
      return out;
    }
    if (eq) {
      const u = await this.handler.findByKey(team, eq.attribute, eq.value);
      return u ? [u] : [];
    }
    const out: LoadedUser[] = [];
    await this.forEachMemberPage(team, async (members) => {
      out.push(...(await this.handler.loadMembers(team, members)));
    });
    return out;
  }

  /**
   * Walks the team's `team_member` partition in pages of SCAN_PAGE, in partition order; the next
   * page is fetched while the current one is processed.
   */
  private async forEachMemberPage(team: TeamId, each: (members: TeamMember[]) => Promise<void>): Promise<void> {
    let next: Promise<Page<TeamMember>> | null = this.identity.teams.listMembers(team, { limit: SCAN_PAGE, cursor: null });
    while (next) {
      const page: Page<TeamMember> = await next;
      next = page.cursor !== null ? this.identity.teams.listMembers(team, { limit: SCAN_PAGE, cursor: page.cursor }) : null;
      // Keep a rejected prefetch from going unhandled while `each` runs; it is awaited next round.
      next?.catch(() => undefined);
      if (page.items.length > 0) await each(page.items);
    }
  }
}
