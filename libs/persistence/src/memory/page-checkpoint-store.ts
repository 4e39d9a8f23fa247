import type { Clock, TeamId } from '@sso/domain';
import type { PageCheckpoint, PageCheckpointStore } from '../ports/page-checkpoint-store';

/** Rows expire on the injected clock, as Cassandra's TTL does on the wall clock. */
export class MemoryPageCheckpointStore implements PageCheckpointStore {
  private readonly parts = new Map<string, Map<number, { cursor: string; until: number }>>();

  constructor(private readonly clock: Clock) {}

  async put(team: TeamId, scope: string, cp: PageCheckpoint, ttlSeconds: number): Promise<void> {
    const k = `${team.toLowerCase()}\n${scope}`;
    let part = this.parts.get(k);
    if (!part) this.parts.set(k, (part = new Map()));
    part.set(cp.index, { cursor: cp.cursor, until: this.clock.now().getTime() + ttlSeconds * 1000 });
  }

  async nearest(team: TeamId, scope: string, index: number): Promise<PageCheckpoint | null> {
    const part = this.parts.get(`${team.toLowerCase()}\n${scope}`);
    if (!part) return null;
    const now = this.clock.now().getTime();
    let best: PageCheckpoint | null = null;
    for (const [idx, v] of part) {
      if (v.until <= now) part.delete(idx);
      else if (idx <= index && (best === null || idx > best.index)) best = { index: idx, cursor: v.cursor };
    }
    return best;
  }
}
