import type { UserQuery } from '../users/users.search';

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
