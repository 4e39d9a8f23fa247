import { createHash } from 'node:crypto';
import type { TeamId, UserId } from '@sso/domain';
import type { IdentityStores, ScimUserDocStore, SparStores } from '@sso/persistence';
import {
  type CompiledFilter,
  type JsonObject,
  ScimError,
  compileFilter,
  indexableEquality,
  listResponse,
  parsePaging,
  parseSortOrder,
  projectResource,
  sortComparator,
  userResourceSchema,
} from '@sso/scim';
import type { CursorCodec } from '../common/cursor';
import type { LoadedUser, UsersHandler } from './users.handler';

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
 * GET /Users and POST /Users/.search. An equality on id, userName or externalId is a keyed read
 * (brig.user, brig.user_handle, spar.scim_external); anything else walks the team's members
 * (galley `team_member`, one partition, paged) and evaluates the filter in memory. Never a
 * table scan, never ALLOW FILTERING.
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
    const paging = parsePaging({ startIndex: q.startIndex, count: q.count, cursor: q.cursor }, { defaultCount: this.limits.defaultCount, maxCount: this.limits.maxResults });
    const filter = q.filter !== undefined && q.filter.trim() !== '' ? compileFilter(q.filter, rs) : undefined;
    const sort = q.sortBy !== undefined && q.sortBy.trim() !== '' ? sortComparator(q.sortBy.trim(), parseSortOrder(q.sortOrder), rs) : undefined;
    if (q.sortBy === undefined && q.sortOrder !== undefined) parseSortOrder(q.sortOrder);

    let matched = (await this.candidates(team, filter)).map((u) => ({ u, r: render(u) }));
    if (filter) matched = matched.filter((m) => filter.matches(m.r));
    if (sort) matched.sort((a, b) => sort(a.r, b.r));

    const total = matched.length;
    const project = (r: JsonObject) => projectResource(r, rs, { attributes: q.attributes, excludedAttributes: q.excludedAttributes });
    if (paging.cursor !== undefined) {
      const scope = createHash('sha256').update(JSON.stringify([team, q.filter ?? '', q.sortBy ?? '', q.sortOrder ?? ''])).digest('base64url');
      const { offset } = this.cursors.decode(scope, paging.cursor);
      const page = matched.slice(offset, offset + paging.count);
      const next = offset + page.length;
      return listResponse({
        resources: page.map((m) => project(m.r)),
        totalResults: total,
        ...(next < total && paging.count > 0 ? { nextCursor: this.cursors.encode(scope, { offset: next }) } : {}),
        ...(offset > 0 ? { previousCursor: this.cursors.encode(scope, { offset: Math.max(0, offset - paging.count) }) } : {}),
      });
    }
    const page = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    return listResponse({ resources: page.map((m) => project(m.r)), totalResults: total, startIndex: paging.startIndex });
  }

  /** The users the filter can match: one keyed lookup when it allows, else the whole team. */
  private async candidates(team: TeamId, filter: CompiledFilter | undefined): Promise<LoadedUser[]> {
    const eq = filter ? indexableEquality(filter.filter, rs, ['id', 'userName', 'externalId']) : undefined;
    if (eq) {
      let uid: string | null = null;
      if (eq.attribute === 'id') uid = eq.value;
      else if (eq.attribute === 'userName') uid = await this.identity.users.lookupHandle(eq.value.toLowerCase());
      else if (eq.attribute === 'externalId') uid = (await this.spar.scimExternal.get(team, eq.value))?.uid ?? null;
      if (uid === null) return [];
      const u = await this.handler.load(team, uid);
      return u ? [u] : [];
    }
    return this.scanTeam(team);
  }

  private async scanTeam(team: TeamId): Promise<LoadedUser[]> {
    const out: LoadedUser[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.identity.teams.listMembers(team, { limit: SCAN_PAGE, cursor });
      const ids = page.items.map((m) => m.user);
      if (ids.length > 0) {
        const [users, docs, times] = await Promise.all([this.identity.users.getMany(ids), this.docs.getMany(ids), this.spar.scimUserTimes.getMany(ids)]);
        for (const user of users) {
          const t = times.get(user.id as UserId);
          const u = this.handler.assemble(team, user, docs.get(user.id), t?.createdAt, t?.lastUpdatedAt);
          if (u) out.push(u);
        }
      }
      cursor = page.cursor;
    } while (cursor !== null);
    return out;
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
