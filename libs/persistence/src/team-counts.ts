import { randomUUID } from 'node:crypto';
import type { Clock, TeamId } from '@sso/domain';
import { type ChangeStamps, countStampKey } from './change-stamps';
import type { CountedKind, TeamCount, TeamCountStore } from './ports/team-count-store';

export interface TeamCountsOptions {
  /**
   * How long a recount waits after its walk before it reads the counter again: a write that made a
   * user visible during the walk has landed its count update by then (docs/decisions.md, "Counts
   * for index paging").
   */
  settleMs: number;
  /** The recount lease; a recount that runs longer gives up instead of correcting. */
  leaseSeconds: number;
  /** A trusted count older than this is recounted in the background (drift from anything missed). */
  recheckSeconds: number;
  /** Where a background recount's failure goes (it never reaches a request). */
  onError?: (e: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Keep the counts `total` read, validated by their change stamps (docs/decisions.md, "Index
   * paging keeps the team's count"): a kept count is answered only while its stamp is the current
   * one, which every count write replaces before it is acknowledged. Without it every list reads
   * Cassandra.
   */
  cache?: { stamps: ChangeStamps; ttlSeconds: number; maxEntries: number };
}

export const DEFAULT_TEAM_COUNTS: TeamCountsOptions = { settleMs: 2000, leaseSeconds: 120, recheckSeconds: 24 * 3600 };

/** Counts every visible item of a team's walk, from the start. */
export type CountWalk = () => Promise<number>;

/**
 * The per-team count of SCIM users or groups that gives index paging its `totalResults` without
 * a walk (docs/decisions.md, "Counts for index paging"):
 * - writers call `changed` once the item became visible (+1) or stopped being visible (-1),
 *   exactly once per item (the caller's conditional write decides who); the counter update is
 *   never retried, and an unknown outcome marks the count in doubt; one team's concurrent
 *   changes share updates;
 * - `total` answers the counter while it is trusted (recounted at least once, no doubt since);
 *   otherwise it walks for the exact figure and, under a lease, corrects the counter by the
 *   difference once the writes in flight during the walk have settled.
 */
export class TeamCounts {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly opts: TeamCountsOptions;
  /** Counts read under a stamp (read before the count), by team and kind. */
  private readonly kept = new Map<string, { count: TeamCount; stamp: string; expires: number }>();
  /** Per team and kind: the last counter update queued, and the one still taking deltas (not sent yet). */
  private readonly lanes = new Map<string, { tail: Promise<void>; open: { delta: number } | null }>();

  constructor(
    private readonly store: TeamCountStore,
    private readonly clock: Clock,
    opts: Partial<TeamCountsOptions> = {},
  ) {
    this.opts = { ...DEFAULT_TEAM_COUNTS, ...opts };
  }

  /**
   * After a write that changed what the team shows; resolves once the delta is in the counter, and
   * never throws (the count falls into doubt). While an update of the same count is in flight, the
   * deltas that arrive go together as the next one: an import's concurrent creates in one team
   * cost a few counter updates, not one each (docs/decisions.md, "A team's count updates are
   * gathered").
   */
  changed(team: TeamId, kind: CountedKind, delta: number): Promise<void> {
    const key = `${team}:${kind}`;
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), open: null };
    if (lane.open) {
      lane.open.delta += delta;
      return lane.tail;
    }
    const group = { delta };
    lane.open = group;
    const tail = lane.tail.then(async () => {
      lane.open = null;
      try {
        await this.store.add(team, kind, group.delta);
      } catch {
        await this.doubt(team, kind);
      }
    });
    lane.tail = tail;
    this.lanes.set(key, lane);
    void tail.then(() => {
      if (lane.tail === tail) this.lanes.delete(key);
    });
    return tail;
  }

  /** For writes that change the team's items without counting them (bulk removals, failures halfway). */
  async doubt(team: TeamId, kind: CountedKind): Promise<void> {
    try {
      await this.store.markDoubt(team, kind, this.clock.now());
    } catch (e) {
      // Nothing more to do from here: the periodic recheck catches the drift.
      this.opts.onError?.(e);
    }
  }

  /** The exact number of items the team shows. */
  async total(team: TeamId, kind: CountedKind, walk: CountWalk): Promise<number> {
    const c = await this.read(team, kind);
    if (trusted(c)) {
      if (this.clock.now().getTime() - c.checkedAt!.getTime() > this.opts.recheckSeconds * 1000)
        this.background(async () => this.recount(team, kind, walk));
      return c.n;
    }
    return this.recount(team, kind, walk);
  }

  /** The count and its state: a kept one while its stamp is current, else from the store (and kept under the stamp read before). */
  private async read(team: TeamId, kind: CountedKind): Promise<TeamCount> {
    const cache = this.opts.cache;
    if (!cache) return this.store.get(team, kind);
    const key = countStampKey(team, kind);
    const stamp = (await cache.stamps.current([key]))?.get(key);
    if (stamp === undefined) return this.store.get(team, kind);
    const id = `${team}:${kind}`;
    const now = this.clock.now().getTime();
    const hit = this.kept.get(id);
    if (hit && hit.stamp === stamp && hit.expires > now) return hit.count;
    const count = await this.store.get(team, kind);
    this.kept.delete(id);
    this.kept.set(id, { count, stamp, expires: now + cache.ttlSeconds * 1000 });
    while (this.kept.size > cache.maxEntries) this.kept.delete(this.kept.keys().next().value as string);
    return count;
  }

  /**
   * Walks for the exact total. Under the lease, the counter is then corrected by (walked − read
   * before the walk), after the settle delay, if no count update landed meanwhile; the correction
   * is a delta, so writes after the second read stay counted.
   */
  async recount(team: TeamId, kind: CountedKind, walk: CountWalk): Promise<number> {
    const lease = randomUUID();
    const held = await this.store.takeLease(team, kind, lease, this.opts.leaseSeconds).catch(() => false);
    if (!held) return walk();
    try {
      const started = this.clock.now();
      const before = await this.store.get(team, kind);
      const n = await walk();
      this.background(() => this.correct(team, kind, lease, started, before.n, n));
      return n;
    } catch (e) {
      await this.store.dropLease(team, kind, lease).catch(() => undefined);
      throw e;
    }
  }

  private async correct(team: TeamId, kind: CountedKind, lease: string, started: Date, before: number, walked: number): Promise<void> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    try {
      await sleep(this.opts.settleMs);
      const after = await this.store.get(team, kind);
      const late = this.clock.now().getTime() - started.getTime() > (this.opts.leaseSeconds * 1000) / 2;
      // Counted writes landed during the walk (or the lease is running out): the walk cannot say
      // which of them it saw. Give up; the next list tries again.
      if (after.n !== before || late) return;
      if (walked !== before) {
        try {
          await this.store.add(team, kind, walked - before);
        } catch {
          await this.doubt(team, kind);
          return;
        }
      }
      await this.store.finish(team, kind, lease, started);
    } finally {
      await this.store.dropLease(team, kind, lease).catch(() => undefined);
    }
  }

  private background(run: () => Promise<unknown>): void {
    const p = run()
      .catch((e) => this.opts.onError?.(e))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for the background recounts (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** Recounted at least once, and no unknown outcome since that recount started. */
export function trusted(c: TeamCount): boolean {
  return c.checkedAt !== null && (c.doubtAt === null || c.doubtAt.getTime() < c.checkedAt.getTime());
}
