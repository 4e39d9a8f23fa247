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
  parsePaging,
  parseSortOrder,
  sortComparator,
} from '@sso/scim';

/**
 * A list query (RFC 7644 §3.4.2), from GET query parameters or a POST /.search body; the
 * single-resource routes read only `attributes` and `excludedAttributes` of it.
 */
export interface ListQuery {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
  cursor?: string | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  attributes?: string | readonly string[] | undefined;
  excludedAttributes?: string | readonly string[] | undefined;
}

/** Query parameters as strings (a repeated parameter arrives as a list: use the last one). */
export function stringQuery(q: ListQuery): ListQuery {
  const one = (v: unknown): string | undefined =>
    Array.isArray(v) ? (v.length ? String(v[v.length - 1]) : undefined) : v === undefined ? undefined : String(v);
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

/** POST /.search bodies carry numbers and lists; the GET code path reads strings. */
export function queryFromSearchBody(body: unknown): ListQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ScimError('invalidSyntax', 'A search request must be a JSON object');
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

export interface ListLimits {
  maxResults: number;
  defaultCount: number;
}

/**
 * Parses and checks every list parameter before any read (a bad one is a 400 whatever the data),
 * the same way for Users and Groups; `keyedAttributes` are those the store has keys for, best first.
 */
export function planList(
  kind: 'users' | 'groups',
  team: TeamId,
  q: ListQuery,
  rs: ResourceSchema,
  keyedAttributes: readonly string[],
  limits: ListLimits,
): ListPlan {
  const paging = parsePaging(
    { startIndex: q.startIndex, count: q.count, cursor: q.cursor },
    { defaultCount: limits.defaultCount, maxCount: limits.maxResults },
  );
  const filter = q.filter !== undefined && q.filter.trim() !== '' ? compileFilter(q.filter, rs) : undefined;
  const order = parseSortOrder(q.sortOrder);
  const sort = q.sortBy !== undefined && q.sortBy.trim() !== '' ? sortComparator(q.sortBy.trim(), order, rs) : undefined;
  const keyed = filter ? indexableEquality(filter.filter, rs, keyedAttributes) : undefined;
  const cursorScope = createHash('sha256')
    .update(JSON.stringify([kind, team, q.filter ?? '', q.sortBy ?? '', q.sortOrder ?? '']))
    .digest('base64url');
  return { paging, filter, sort, keyed, cursorScope };
}
