import { describe, expect, it } from 'vitest';
import { FakeClock, type TeamId, newTeamId } from '@sso/domain';
import { InvalidCursorError, MemoryPageCheckpointStore, MemoryTeamCountStore, TeamCounts } from '@sso/persistence';
import { IndexPaging, type IndexWalk } from './index-paging';

/**
 * A team's partition as the store walks it: rows in key order, cursors that name the last row
 * read (a position, as Cassandra's paging state is), hidden rows (the team's password owner) that
 * the list does not show. Counts store reads, to tell a resumed page from a walk.
 */
class Partition {
  rows: string[] = [];
  reads = 0;
  constructor(
    readonly team: TeamId,
    n: number,
    hidden = 0,
  ) {
    for (let i = 0; i < n; i++) this.rows.push(`u${String(i).padStart(6, '0')}`);
    for (let i = 0; i < hidden; i++) this.rows.push(`h${String(i * 7).padStart(6, '0')}`);
    this.rows.sort();
  }
  add(id: string) {
    this.rows.push(id);
    this.rows.sort();
  }
  remove(id: string) {
    this.rows = this.rows.filter((r) => r !== id);
  }
  private read(cursor: string | null, limit: number) {
    this.reads++;
    if (cursor !== null && !cursor.startsWith(`${this.team}:`)) throw new InvalidCursorError();
    const after = cursor === null ? '' : cursor.slice(this.team.length + 1);
    const rows = this.rows.filter((r) => r > after).slice(0, limit);
    const next = rows.length === limit ? `${this.team}:${rows[rows.length - 1]}` : null;
    return { rows: rows.filter((r) => r.startsWith('u')), next };
  }
  walk(scope = 'all'): IndexWalk<string> {
    return {
      kind: 'users',
      team: this.team,
      scope,
      scan: async (c, l) => {
        const r = this.read(c, l);
        return { shown: r.rows.length, next: r.next };
      },
      load: async (c, l) => {
        const r = this.read(c, l);
        return { items: r.rows.map((item) => ({ item, resource: { id: item } })), next: r.next };
      },
    };
  }
}

function setup() {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  const countStore = new MemoryTeamCountStore(clock);
  const counts = new TeamCounts(countStore, clock, { settleMs: 0, sleep: async () => {} });
  const checkpoints = new MemoryPageCheckpointStore(clock);
  const paging = new IndexPaging(counts, checkpoints, { checkpointSeconds: 900 });
  return { clock, counts, countStore, paging };
}

async function walkAll(paging: IndexPaging, w: IndexWalk<string>, count: number, between?: (page: number) => Promise<void> | void) {
  const seen: string[] = [];
  const totals: number[] = [];
  for (let start = 1, page = 0; ; start += count, page++) {
    const r = await paging.page(w, start, count);
    seen.push(...r.items.map((i) => i.item));
    totals.push(r.total);
    if (r.items.length === 0 || start - 1 + r.items.length >= r.total) break;
    await between?.(page);
  }
  return { seen, totals };
}

describe('IndexPaging', () => {
  it('walks every shown row once, in order, with the exact total, skipping hidden rows', async () => {
    const { paging } = setup();
    const p = new Partition(newTeamId(), 250, 3);
    const { seen, totals } = await walkAll(paging, p.walk(), 100);
    expect(seen).toEqual(p.rows.filter((r) => r.startsWith('u')));
    expect(totals).toEqual([250, 250, 250]);
  });

  it('resumes each page from the checkpoint the previous page left: a page reads only its own rows', async () => {
    const { paging, counts } = setup();
    const p = new Partition(newTeamId(), 1000);
    await paging.page(p.walk(), 1, 100);
    await counts.settled();
    for (let start = 101; start <= 901; start += 100) {
      p.reads = 0;
      const r = await paging.page(p.walk(), start, 100);
      expect(r.items[0]!.item).toBe(`u${String(start - 1).padStart(6, '0')}`);
      expect(r.total).toBe(1000);
      expect(p.reads).toBeLessThanOrEqual(2); // the page (+ a peek at the very end)
    }
  });

  it('falls back to a walk from the nearest checkpoint (or the start) when the checkpoint has expired or the client jumps', async () => {
    const { paging, clock, counts } = setup();
    const p = new Partition(newTeamId(), 600);
    await paging.page(p.walk(), 1, 100);
    await paging.page(p.walk(), 101, 100); // leaves a checkpoint at 201
    await counts.settled();
    // A jump to 451 resumes from 201: skips 250 rows counting them, then reads the page.
    const jump = await paging.page(p.walk(), 451, 50);
    expect(jump.items.map((i) => i.item)).toEqual(p.rows.slice(450, 500));
    clock.advance(901 * 1000);
    p.reads = 0;
    const cold = await paging.page(p.walk(), 301, 100);
    expect(cold.items.map((i) => i.item)).toEqual(p.rows.slice(300, 400));
    expect(p.reads).toBeGreaterThan(1);
    // Past the end and not where a walk stopped: empty, without a walk.
    p.reads = 0;
    expect(await paging.page(p.walk(), 5000, 100)).toEqual({ items: [], total: 600 });
    expect(await paging.page(p.walk('fresh'), 601, 100)).toEqual({ items: [], total: 600 });
    expect(p.reads).toBe(0);
  });

  it('keeps teams apart and queries apart: another team or query never resumes from these checkpoints', async () => {
    const { paging } = setup();
    const a = new Partition(newTeamId(), 300);
    const b = new Partition(newTeamId(), 300);
    b.rows = b.rows.map((r) => r.replace('u', 'ub')).sort();
    await paging.page(a.walk('q'), 1, 100); // checkpoint at 101 for team a, query q
    const rb = await paging.page(b.walk('q'), 101, 100);
    expect(rb.items.map((i) => i.item)).toEqual(b.rows.slice(100, 200));
    // The same team with another query scope (another filter or sort) walks from the start too.
    a.remove(a.rows[0]!); // would shift an offset walk, not a resumed one
    const other = await paging.page(a.walk('q2'), 101, 100);
    expect(other.items.map((i) => i.item)).toEqual(a.rows.slice(100, 200));
  });

  it('a walk during deletes returns every row that stays; the total keeps the client reading', async () => {
    const { paging, countStore } = setup();
    const p = new Partition(newTeamId(), 500);
    const team = p.team;
    await countStore.add(team, 'users', 500);
    await countStore.finish(team, 'users', 'x', new Date(0)).catch(() => undefined);
    const all = [...p.rows];
    const deleted = new Set<string>();
    const { seen } = await walkAll(paging, p.walk(), 50, async (page) => {
      // Delete 20 rows behind the walk and 5 ahead of it after every page.
      const behind = all
        .slice(0, (page + 1) * 50)
        .filter((r) => !deleted.has(r))
        .slice(0, 20);
      const ahead = all
        .slice((page + 2) * 50)
        .filter((r) => !deleted.has(r))
        .slice(0, 5);
      for (const r of [...behind, ...ahead]) {
        deleted.add(r);
        p.remove(r);
        await countStore.add(team, 'users', -1);
      }
    });
    const stayed = all.filter((r) => !deleted.has(r));
    expect(new Set(seen).size).toBe(seen.length);
    for (const r of stayed) expect(seen).toContain(r);
  });

  it('a walk during creates returns no row twice, and every row that existed throughout', async () => {
    const { paging } = setup();
    const p = new Partition(newTeamId(), 300);
    const before = [...p.rows];
    let n = 0;
    const { seen } = await walkAll(paging, p.walk(), 40, () => {
      for (let i = 0; i < 15; i++) p.add(`u${String((n++ * 37) % 300).padStart(6, '0')}x`);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const r of before) expect(seen).toContain(r);
  });

  it('restarts from the start when the store refuses a checkpoint', async () => {
    const { paging } = setup();
    const p = new Partition(newTeamId(), 200);
    const w = p.walk();
    await paging.page(w, 1, 50);
    // The same scope now over another partition (as after a change the store's cursors do not survive).
    const q = new Partition(newTeamId(), 200);
    const r = await paging.page({ ...q.walk(), team: p.team }, 51, 50);
    expect(r.items.map((i) => i.item)).toEqual(q.rows.slice(50, 100));
  });
});
