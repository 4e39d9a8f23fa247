import type { Clock } from '@sso/domain';

const MAX_ENTRIES = 10_000;

/**
 * Reads kept in memory for `ttlSeconds` in front of a store whose rows change rarely. Every write
 * through the owner empties it, so this instance sees its own changes at once and other instances
 * see a change within `ttlSeconds`; a read that overlapped a write is not kept.
 */
export class ReadCache {
  private readonly entries = new Map<string, { until: number; value: unknown }>();
  /** Bumped by every write, so a read that overlapped a write is not kept. */
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** The kept value, or `load()`'s, which is kept when `keep` says so. */
  async read<T>(key: string, load: () => Promise<T>, keep: (v: T) => boolean = () => true): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    // A write that finished while this read was in flight may have changed the row it read.
    if (keep(value) && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { until: now + this.ttlSeconds * 1000, value });
    }
    return value;
  }

  /** Runs a write of the cached store, then forgets everything. */
  async write<T>(op: Promise<T>): Promise<T> {
    try {
      return await op;
    } finally {
      this.generation++;
      this.entries.clear();
    }
  }
}
