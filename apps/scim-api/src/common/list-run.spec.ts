import { describe, expect, it } from 'vitest';
import type { TeamId } from '@sso/domain';
import { type JsonObject, ScimError, groupResourceSchema } from '@sso/scim';
import { CursorCodec } from './cursor';
import { type ListQuery, planList } from './list-query';
import { type ListSource, runList } from './list-run';

const team = '00000000-0000-4000-8000-000000000001' as TeamId;
/** 23 groups; the store pages over them in id order with a numeric cursor, as Cassandra's paging state would. */
const groups = Array.from({ length: 23 }, (_, i) => ({
  id: `g${String(i).padStart(2, '0')}`,
  displayName: i % 3 === 0 ? `Three ${i}` : `Other ${22 - i}`,
}));
type G = (typeof groups)[number];

function source(log: string[] = []): ListSource<G> {
  return {
    storePage: async (cursor, limit) => {
      const from = cursor === null ? 0 : Number(cursor);
      log.push(`page ${from}+${limit}`);
      const next = from + limit < groups.length ? String(from + limit) : null;
      return { items: groups.slice(from, from + limit), next };
    },
    candidates: async () => [...groups],
    render: (g) => ({ schemas: [], id: g.id, displayName: g.displayName }),
    output: async (page) => page.map((r) => ({ id: r.item.id })),
  };
}

const codec = new CursorCodec('k'.repeat(32));
const run = (q: ListQuery, src = source()) =>
  runList(planList('groups', team, q, groupResourceSchema, ['id'], { maxResults: 10, defaultCount: 10 }), src, codec);
const idsOf = (r: JsonObject) => (r['Resources'] as Array<{ id: string }>).map((x) => x.id);

describe('runList (the list engine of Users and Groups)', () => {
  it('index paging: exact total, the requested window, the count capped at maxResults', async () => {
    const r = await run({ startIndex: '21', count: '5' });
    expect(r).toMatchObject({ totalResults: 23, itemsPerPage: 3, startIndex: 21 });
    expect(idsOf(r)).toEqual(['g20', 'g21', 'g22']);
    expect((await run({ count: '500' }))['itemsPerPage']).toBe(10);
  });

  it('cursor walk: store pages end on page boundaries, a filter fills the page over several store pages, every item once', async () => {
    const log: string[] = [];
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const r = await run({ filter: 'displayName sw "three"', count: '3', cursor }, source(log));
      expect(r['totalResults']).toBeUndefined();
      seen.push(...idsOf(r));
      if (r['nextCursor'] === undefined) break;
      cursor = r['nextCursor'] as string;
    }
    expect(seen).toEqual(groups.filter((_, i) => i % 3 === 0).map((g) => g.id));
    // The first request asks for 3 rows, then for the rows still missing.
    expect(log.slice(0, 3)).toEqual(['page 0+3', 'page 3+2', 'page 5+1']);
  });

  it('gives up after five store pages and answers a short page with its nextCursor', async () => {
    const r = await run({ filter: 'displayName eq "none"', count: '2', cursor: '' });
    expect(idsOf(r)).toEqual([]);
    expect(r['nextCursor']).toEqual(expect.any(String));
  });

  it('offset cursors for sorted lists: total, next and previous, bound to the query', async () => {
    const first = await run({ sortBy: 'displayName', count: '10', cursor: '' });
    expect(first).toMatchObject({ totalResults: 23, itemsPerPage: 10 });
    const second = await run({ sortBy: 'displayName', count: '10', cursor: first['nextCursor'] as string });
    expect(idsOf(second)).not.toContain(idsOf(first)[0]);
    expect(second['previousCursor']).toEqual(expect.any(String));
    await expect(
      run({ sortBy: 'displayName', sortOrder: 'descending', count: '10', cursor: first['nextCursor'] as string }),
    ).rejects.toThrow(ScimError);
    // A walk cursor is not an offset cursor, and the other way round.
    const walk = await run({ count: '10', cursor: '' });
    await expect(run({ sortBy: 'displayName', count: '10', cursor: walk['nextCursor'] as string })).rejects.toThrow(/cursor/);
    expect((await run({ sortBy: 'displayName', count: '0', cursor: '' }))['totalResults']).toBe(23);
  });
});
