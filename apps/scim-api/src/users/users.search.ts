import type { Role, TeamId, TeamMember, User, UserId } from '@sso/domain';
import { MAX_PAGE_SIZE, type IdentityStores, type Page, type ScimUserDoc, type ScimUserDocStore, type ScimUserTimes, type SparStores } from '@sso/persistence';
import {
  type CompiledFilter,
  type IndexableEquality,
  type JsonObject,
  ScimError,
  listResponse,
  projectResource,
  userResourceSchema,
} from '@sso/scim';
import type { CursorCodec } from '../common/cursor';
import { invalidCursor, offsetCursorPage, planList } from '../common/list-query';
import { type LoadedUser, UsersHandler } from './users.handler';

/** A list query, from GET query parameters or a POST /.search body. */
export interface UserQuery {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
  cursor?: string | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  attributes?: string | readonly string[] | undefined;
  excludedAttributes?: string | readonly string[] | undefined;
}

const rs = userResourceSchema;
/** Rows per page when walking a team's `team_member` partition. */
const SCAN_PAGE = 500;
/**
 * Store pages a cursor request may read to fill its page when a residual filter (or a non-SCIM
 * member) leaves it short; after that the page is returned short, with its nextCursor.
 */
const WALK_ROUNDS = 5;

type Project = (r: JsonObject) => JsonObject;

/**
 * GET /Users and POST /Users/.search. An equality on id, userName or externalId is a keyed read
 * (brig.user, brig.user_handle, spar.scim_external, with the fallbacks for users SSO created:
 * `UsersHandler.findByKey`); anything else walks the team's members
 * (galley `team_member`, one partition, paged) and evaluates the filter in memory. Never a
 * table scan and no filtering query on the server.
 *
 * Three ways to page (docs/decisions.md, "SCIM lists and cursors" and "SCIM cursor walks"):
 * - cursor paging without `sortBy` and without a keyed filter walks `team_member` page by page
 *   on Cassandra's paging state (the store cursor travels inside the signed cursor): O(page) per
 *   request, no `totalResults`;
 * - cursor paging with `sortBy` or a keyed filter, and `count=0`, compute the whole result (exact
 *   `totalResults`; cursors carry an offset into it);
 * - index paging (`startIndex`) computes the exact `totalResults`; without filter and sort it
 *   reads only brig's rows for the count and the documents of the page itself.
 */
export class UsersSearch {
  constructor(
    private readonly handler: UsersHandler,
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly docs: ScimUserDocStore,
    private readonly cursors: CursorCodec,
    private readonly limits: { maxResults: number; defaultCount: number },
  ) {}

  async list(team: TeamId, q: UserQuery, render: (u: LoadedUser) => JsonObject): Promise<JsonObject> {
    const plan = planList('users', team, q, rs, ['id', 'userName', 'externalId'], this.limits);
    const { paging, filter, sort, keyed } = plan;
    const project: Project = (r) => projectResource(r, rs, { attributes: q.attributes, excludedAttributes: q.excludedAttributes });

    if (paging.cursor !== undefined) {
      const pos = this.cursors.decode(plan.cursorScope, paging.cursor);
      if (!sort && !keyed && paging.count > 0) {
        // The walk: a cursor of this scope is a store cursor, or '' (decoded as offset 0).
        if ('offset' in pos && pos.offset !== 0) throw invalidCursor();
        const { items, next } = await this.walkPage(team, filter, 'page' in pos ? pos.page : null, paging.count, render);
        return listResponse({
          resources: items.map(project),
          cursorPaging: true,
          ...(next !== null ? { nextCursor: this.cursors.encode(plan.cursorScope, { page: next }) } : {}),
        });
      }
      const matched = await this.matchAll(team, filter, keyed, sort, render);
      return offsetCursorPage(matched, pos, plan, this.cursors, (page) => page.map(project));
    }
    if (!filter && !sort) return this.indexPageUnfiltered(team, paging.startIndex, paging.count, render, project);
    const matched = await this.matchAll(team, filter, keyed, sort, render);
    const page = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    return listResponse({ resources: page.map(project), totalResults: matched.length, startIndex: paging.startIndex });
  }

  /** Every match of the query, rendered, in the stable order (or sorted). */
  private async matchAll(
    team: TeamId,
    filter: CompiledFilter | undefined,
    keyed: IndexableEquality | undefined,
    sort: ((a: JsonObject, b: JsonObject) => number) | undefined,
    render: (u: LoadedUser) => JsonObject,
  ): Promise<JsonObject[]> {
    let matched = (await this.candidates(team, keyed)).map(render);
    if (filter) matched = matched.filter((r) => filter.matches(r));
    if (sort) matched.sort(sort);
    return matched;
  }

  /**
   * One cursor page of the team walk: store pages of at most the missing number of rows (so the
   * page always ends on a store page boundary, and the store cursor is exactly where the next
   * page starts), the page's users, documents and times by batched IN reads in parallel, the
   * residual filter on the rendered resources. Stops when the page is full, the partition ends, or
   * after WALK_ROUNDS store pages (a selective filter then gives a short page with a nextCursor).
   */
  private async walkPage(
    team: TeamId,
    filter: CompiledFilter | undefined,
    start: string | null,
    count: number,
    render: (u: LoadedUser) => JsonObject,
  ): Promise<{ items: JsonObject[]; next: string | null }> {
    const items: JsonObject[] = [];
    let cursor = start;
    for (let round = 0; round < WALK_ROUNDS && items.length < count; round++) {
      const want = Math.min(count - items.length, MAX_PAGE_SIZE);
      const page = await this.identity.teams.listMembers(team, { limit: want, cursor });
      for (const u of await this.handler.loadMembers(team, page.items)) {
        const r = render(u);
        if (!filter || filter.matches(r)) items.push(r);
      }
      cursor = page.cursor;
      if (cursor === null) break;
    }
    return { items, next: cursor };
  }

  /**
   * startIndex paging without filter and sort: the exact total and the stable (partition) order
   * need only brig's rows (who is a SCIM user of the team); documents and times are read for the
   * requested page alone.
   */
  private async indexPageUnfiltered(team: TeamId, startIndex: number, count: number, render: (u: LoadedUser) => JsonObject, project: Project): Promise<JsonObject> {
    const from = startIndex - 1;
    const window: User[] = [];
    const roles = new Map<UserId, Role>();
    let total = 0;
    await this.forEachMemberPage(team, async (members) => {
      for (const m of members) roles.set(m.user, m.role);
      for (const user of await this.identity.users.getMany(members.map((m) => m.user))) {
        if (!UsersHandler.visibleIn(team, user)) continue;
        if (total >= from && total < from + count) window.push(user);
        total++;
      }
    });
    const ids = window.map((u) => u.id);
    const [docs, times] = ids.length > 0 ? await Promise.all([this.docs.getMany(ids), this.spar.scimUserTimes.getMany(ids)]) : [new Map<UserId, ScimUserDoc>(), new Map<UserId, ScimUserTimes>()];
    const page: JsonObject[] = [];
    for (const user of window) {
      const t = times.get(user.id);
      const u = this.handler.assemble(team, user, docs.get(user.id), roles.get(user.id) ?? null, t?.createdAt, t?.lastUpdatedAt);
      if (u) page.push(project(render(u)));
    }
    return listResponse({ resources: page, totalResults: total, startIndex });
  }

  /** The users the filter can match: one keyed lookup when it allows, else the whole team. */
  private async candidates(team: TeamId, eq: IndexableEquality | undefined): Promise<LoadedUser[]> {
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


/** POST /.search bodies carry numbers and lists; the GET code path reads strings. */
export function queryFromSearchBody(body: unknown): UserQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError('invalidSyntax', 'A search request must be a JSON object');
  const b = body as Record<string, unknown>;
  const get = (name: string) => {
    const k = Object.keys(b).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? undefined : b[k];
  };
  const text = (name: string): string | undefined => {
    const v = get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new ScimError('invalidValue', `'${name}' must be a string or a number`);
  };
  const list = (name: string): string | string[] | undefined => {
    const v = get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new ScimError('invalidValue', `'${name}' must be a list of attribute names`);
  };
  return {
    filter: text('filter'),
    startIndex: text('startIndex'),
    count: text('count'),
    cursor: text('cursor'),
    sortBy: text('sortBy'),
    sortOrder: text('sortOrder'),
    attributes: list('attributes'),
    excludedAttributes: list('excludedAttributes'),
  };
}
