import type { TeamId } from '@sso/domain';
import { type CountedKind, InvalidCursorError, MAX_PAGE_SIZE, type PageCheckpointStore, type TeamCounts } from '@sso/persistence';
import type { Rendered } from './list-run';

/** One step of a team's store walk: the rows from `cursor`, at most `limit` of them. */
export interface IndexWalk<T> {
  kind: CountedKind;
  team: TeamId;
  /** The query's scope (list-query.ts `cursorScope`: kind, team, filter, sort). */
  scope: string;
  /** How many of the rows the list shows (visibility only: no documents). */
  scan(cursor: string | null, limit: number): Promise<{ shown: number; next: string | null }>;
  /** The same rows, loaded as the list shows them. */
  load(cursor: string | null, limit: number): Promise<{ items: Array<Rendered<T>>; next: string | null }>;
}

export interface IndexPagingOptions {
  /** How long a checkpoint lives (`scim.pageCheckpointSeconds`). */
  checkpointSeconds: number;
  /** Rows that a peek past a page reads, to learn whether the walk goes on. */
  peekRows?: number;
}

/** One retry of a checkpoint read or write (a timed-out statement on a busy node). */
async function twice<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch {
    return f();
  }
}

/**
 * startIndex paging without filter and sort at the cost of a page (docs/decisions.md,
 * "Checkpoints for index paging"): `totalResults` from the team's kept count (TeamCounts), the
 * page from the checkpoint the previous page of the same query left at its end (Cassandra's
 * paging state, kept with a TTL). Without a checkpoint at the index (a jump, an expired one)
 * the walk resumes from the nearest one below it, or from the start, counting shown rows
 * without loading them. Indexes number the walk's positions: rows deleted behind a walk do not
 * shift the rows ahead, so a walk during deletes returns every row that stays.
 */
export class IndexPaging {
  constructor(
    private readonly counts: TeamCounts,
    private readonly checkpoints: PageCheckpointStore,
    private readonly opts: IndexPagingOptions,
  ) {}

  async page<T>(w: IndexWalk<T>, startIndex: number, count: number): Promise<{ items: Array<Rendered<T>>; total: number }> {
    const walkAll = async () => {
      let n = 0;
      let cursor: string | null = null;
      do {
        const r = await w.scan(cursor, MAX_PAGE_SIZE);
        n += r.shown;
        cursor = r.next;
      } while (cursor !== null);
      return n;
    };
    const totalP = this.counts.total(w.team, w.kind, walkAll);
    // Kept from going unhandled while the page is read; awaited below.
    totalP.catch(() => undefined);
    if (count === 0) return { items: [], total: await totalP };

    let at = 1;
    let cursor: string | null = null;
    if (startIndex > 1) {
      const cp = await twice(() => this.checkpoints.nearest(w.team, w.scope, startIndex)).catch(() => null);
      if (cp) ({ index: at, cursor } = cp);
      // Not where a walk stopped, and past the end: nothing to walk for.
      if (at !== startIndex && startIndex > (await totalP)) return { items: [], total: await totalP };
    }
    let page: { items: Array<Rendered<T>>; cursor: string | null; ended: boolean };
    try {
      page = await this.read(w, at, cursor, startIndex, count);
    } catch (e) {
      // A checkpoint the store no longer takes (its cursors changed, say): from the start.
      if (!(e instanceof InvalidCursorError) || cursor === null) throw e;
      page = await this.read(w, 1, null, startIndex, count);
    }
    const { items, ended } = page;
    cursor = page.cursor;
    const end = items.length > 0 ? startIndex - 1 + items.length : 0;
    if (!ended) {
      // A lost checkpoint sends the next page of the walk through the fallback (a walk from an
      // earlier checkpoint, which concurrent creates can shift): worth a second try under load.
      const cp = { index: end + 1, cursor: cursor! };
      await twice(() => this.checkpoints.put(w.team, w.scope, cp, this.opts.checkpointSeconds)).catch(() => undefined);
    }
    let total = Math.max(await totalP, end);
    // Deletes behind the walk lowered the count below the walk's numbering: say that rows follow,
    // so that a client which stops at totalResults reads on.
    if (!ended && total === end) total += await this.peek(w, cursor!);
    return { items, total };
  }

  /** The page at `startIndex`, walking from (`at`, `cursor`); `cursor` is where the page ends. */
  private async read<T>(
    w: IndexWalk<T>,
    at: number,
    from: string | null,
    startIndex: number,
    count: number,
  ): Promise<{ items: Array<Rendered<T>>; cursor: string | null; ended: boolean }> {
    let { cursor, ended } = await this.skip(w, at, from, startIndex);
    const items: Array<Rendered<T>> = [];
    while (!ended && items.length < count) {
      // Never more rows than the page misses: the page ends on a store page, where `next` points.
      const r = await w.load(cursor, Math.min(count - items.length, MAX_PAGE_SIZE));
      items.push(...r.items);
      cursor = r.next;
      ended = cursor === null;
    }
    return { items, cursor, ended };
  }

  /** Moves from (`at`, `cursor`) to the start of `startIndex`, counting shown rows. */
  private async skip<T>(
    w: IndexWalk<T>,
    at: number,
    cursor: string | null,
    startIndex: number,
  ): Promise<{ cursor: string | null; ended: boolean }> {
    while (at < startIndex) {
      const r = await w.scan(cursor, Math.min(startIndex - at, MAX_PAGE_SIZE));
      at += r.shown;
      cursor = r.next;
      if (cursor === null) return { cursor, ended: true };
    }
    return { cursor, ended: false };
  }

  /** How many shown rows follow `cursor` within a few store rows (0 at the end). */
  private async peek<T>(w: IndexWalk<T>, cursor: string): Promise<number> {
    const r = await w.scan(cursor, this.opts.peekRows ?? 100);
    return r.shown;
  }
}
