import { MAX_PAGE_SIZE } from '@sso/persistence';
import { type JsonObject, ScimError, listResponse } from '@sso/scim';
import type { CursorCodec, CursorPosition } from './cursor';
import type { IndexPaging, IndexWalk } from './index-paging';
import type { ListPlan } from './list-query';

/** A stored item with the resource it renders to (what filters and sorts look at). */
export interface Rendered<T> {
  item: T;
  resource: JsonObject;
}

/**
 * What a resource type gives the list engine. Items come loaded with whatever the plan's filter
 * and sort look at (e.g. a group's members when the filter names them).
 */
export interface ListSource<T> {
  /** One page of the team's store walk, in the store's stable order; `next` is the store cursor. */
  storePage(cursor: string | null, limit: number): Promise<{ items: T[]; next: string | null }>;
  /** Every item the filter can match: one keyed read when `plan.keyed` allows, else the whole team. */
  candidates(): Promise<T[]>;
  render(item: T): JsonObject;
  /** The page's resources as answered: projected, with what the output needs and the filter did not read. */
  output(page: Array<Rendered<T>>): Promise<JsonObject[]>;
  /** startIndex paging without filter and sort at the cost of a page (index-paging.ts), when the source has it. */
  indexWalk?: Omit<IndexWalk<T>, 'scope'>;
}

/** Store pages a cursor request may read to fill a page a residual filter leaves short. */
const WALK_ROUNDS = 5;

const invalidCursor = () => new ScimError('invalidCursor', 'The cursor is invalid, or belongs to another query');

/**
 * GET /Users and GET /Groups (and their POST /.search), one engine for both; docs/decisions.md,
 * "SCIM lists and cursors" and "SCIM cursor walks". Three ways to page:
 * - cursor paging without `sortBy` and without a keyed filter walks the team's partition page by
 *   page on Cassandra's paging state (the store cursor travels inside the signed cursor): O(page)
 *   per request, no `totalResults`;
 * - cursor paging with `sortBy` or a keyed filter, and `count=0`, compute the whole result (exact
 *   `totalResults`; cursors carry an offset into it);
 * - index paging (`startIndex`) without filter and sort pages from checkpoints, with the team's
 *   kept count as `totalResults` (index-paging.ts); with a filter or sort it computes the result.
 */
export async function runList<T>(plan: ListPlan, src: ListSource<T>, cursors: CursorCodec, index?: IndexPaging): Promise<JsonObject> {
  const { paging, filter, sort, keyed } = plan;
  if (paging.cursor !== undefined) {
    const pos = cursors.decode(plan.cursorScope, paging.cursor);
    if (!sort && !keyed && paging.count > 0) {
      // The walk: a cursor of this scope is a store cursor, or '' (decoded as offset 0).
      if ('offset' in pos && pos.offset !== 0) throw invalidCursor();
      const { items, next } = await walkPage(plan, src, 'page' in pos ? pos.page : null);
      return listResponse({
        resources: await src.output(items),
        cursorPaging: true,
        ...(next !== null ? { nextCursor: cursors.encode(plan.cursorScope, { page: next }) } : {}),
      });
    }
    if (paging.count === 0 && !filter && !sort && src.indexWalk && index) {
      // The total alone: the team's kept count, as index paging reads it.
      const { total } = await index.page({ ...src.indexWalk, scope: plan.cursorScope }, 1, 0);
      return listResponse({ resources: [], totalResults: total, cursorPaging: true });
    }
    return offsetCursorPage(await matchAll(plan, src), pos, plan, cursors, (page) => src.output(page));
  }
  if (!filter && !sort && src.indexWalk && index) {
    const { items, total } = await index.page({ ...src.indexWalk, scope: plan.cursorScope }, paging.startIndex, paging.count);
    return listResponse({ resources: await src.output(items), totalResults: total, startIndex: paging.startIndex });
  }
  const matched = await matchAll(plan, src);
  const page = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
  return listResponse({ resources: await src.output(page), totalResults: matched.length, startIndex: paging.startIndex });
}

/** Every match of the query, rendered, in the stable order (or sorted). */
async function matchAll<T>(plan: ListPlan, src: ListSource<T>): Promise<Array<Rendered<T>>> {
  let matched = (await src.candidates()).map((item) => ({ item, resource: src.render(item) }));
  const { filter, sort } = plan;
  if (filter) matched = matched.filter((r) => filter.matches(r.resource));
  if (sort) matched.sort((a, b) => sort(a.resource, b.resource));
  return matched;
}

/**
 * One cursor page of the team walk: store pages of at most the missing number of rows (so the
 * page always ends on a store page boundary, and the store cursor is exactly where the next page
 * starts), the residual filter on the rendered resources. Stops when the page is full, the
 * partition ends, or after WALK_ROUNDS store pages (a selective filter then gives a short page
 * with a nextCursor).
 */
async function walkPage<T>(
  plan: ListPlan,
  src: ListSource<T>,
  start: string | null,
): Promise<{ items: Array<Rendered<T>>; next: string | null }> {
  const { count } = plan.paging;
  const items: Array<Rendered<T>> = [];
  let cursor = start;
  for (let round = 0; round < WALK_ROUNDS && items.length < count; round++) {
    const page = await src.storePage(cursor, Math.min(count - items.length, MAX_PAGE_SIZE));
    for (const item of page.items) {
      const resource = src.render(item);
      if (!plan.filter || plan.filter.matches(resource)) items.push({ item, resource });
    }
    cursor = page.next;
    if (cursor === null) break;
  }
  return { items, next: cursor };
}

/**
 * One page of an offset cursor over resources matched in memory (sorted or keyed lists): total,
 * next and previous cursors bound to the query's scope.
 */
async function offsetCursorPage<T>(
  matched: T[],
  pos: CursorPosition,
  plan: ListPlan,
  cursors: CursorCodec,
  out: (page: T[]) => JsonObject[] | Promise<JsonObject[]>,
): Promise<JsonObject> {
  const { count } = plan.paging;
  if (count === 0) return listResponse({ resources: [], totalResults: matched.length, cursorPaging: true });
  if (!('offset' in pos)) throw invalidCursor();
  const page = matched.slice(pos.offset, pos.offset + count);
  const next = pos.offset + page.length;
  return listResponse({
    resources: await out(page),
    totalResults: matched.length,
    cursorPaging: true,
    ...(next < matched.length ? { nextCursor: cursors.encode(plan.cursorScope, { offset: next }) } : {}),
    ...(pos.offset > 0 ? { previousCursor: cursors.encode(plan.cursorScope, { offset: Math.max(0, pos.offset - count) }) } : {}),
  });
}
