import { createHash } from 'node:crypto';
import type { TeamId } from '@sso/domain';
import {
  type CompiledFilter,
  type IndexableEquality,
  type JsonObject,
  type Paging,
  type ResourceSchema,
  ScimError,
  compileFilter,
  indexableEquality,
  listResponse,
  parsePaging,
  parseSortOrder,
  sortComparator,
} from '@sso/scim';
import type { UserQuery } from '../users/users.search';
import type { CursorCodec, CursorPosition } from './cursor';

/** Query parameters as strings (a repeated parameter arrives as a list: use the last one). */
export function stringQuery(q: UserQuery): UserQuery {
  const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v.length ? String(v[v.length - 1]) : undefined) : v === undefined ? undefined : String(v));
  const many = (v: unknown): string | string[] | undefined => (Array.isArray(v) ? v.map(String) : v === undefined ? undefined : String(v));
  return {
    filter: one(q.filter),
    startIndex: one(q.startIndex),
    count: one(q.count),
    cursor: one(q.cursor),
    sortBy: one(q.sortBy),
    sortOrder: one(q.sortOrder),
    attributes: many(q.attributes),
    excludedAttributes: many(q.excludedAttributes),
  };
}

/** A list request, validated: paging, the compiled filter, the sort and a keyed equality, if any. */
export interface ListPlan {
  paging: Paging;
  filter?: CompiledFilter;
  sort?: (a: JsonObject, b: JsonObject) => number;
  /** An `eq` on one of the store's keyed attributes: read by key instead of walking the team. */
  keyed?: IndexableEquality;
  /** Binds cursors to the resource type, team and query that made them. */
  cursorScope: string;
}

/**
 * Parses and checks every list parameter before any read (a bad one is a 400 whatever the data),
 * the same way for Users and Groups; `keyedAttributes` are those the store has keys for.
 */
export function planList(
  kind: 'users' | 'groups',
  team: TeamId,
  q: UserQuery,
  rs: ResourceSchema,
  keyedAttributes: readonly string[],
  limits: { maxResults: number; defaultCount: number },
): ListPlan {
  const paging = parsePaging({ startIndex: q.startIndex, count: q.count, cursor: q.cursor }, { defaultCount: limits.defaultCount, maxCount: limits.maxResults });
  const filter = q.filter !== undefined && q.filter.trim() !== '' ? compileFilter(q.filter, rs) : undefined;
  const order = parseSortOrder(q.sortOrder);
  const sort = q.sortBy !== undefined && q.sortBy.trim() !== '' ? sortComparator(q.sortBy.trim(), order, rs) : undefined;
  const keyed = filter ? indexableEquality(filter.filter, rs, keyedAttributes) : undefined;
  const cursorScope = createHash('sha256')
    .update(JSON.stringify([kind, team, q.filter ?? '', q.sortBy ?? '', q.sortOrder ?? '']))
    .digest('base64url');
  return { paging, filter, sort, keyed, cursorScope };
}

export const invalidCursor = () => new ScimError('invalidCursor', 'The cursor is invalid, or belongs to another query');

/**
 * One page of an offset cursor over resources matched in memory (sorted or keyed lists): total,
 * next and previous cursors bound to the query's scope.
 */
export async function offsetCursorPage<T>(
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
