import type { Clock, TeamId } from '@sso/domain';
import type { CountedKind, TeamCount, TeamCountStore } from '../ports/team-count-store';

interface Row {
  n: number;
  checkedAt: Date | null;
  doubtAt: Date | null;
  lease: { id: string; until: number } | null;
}

/** No await between a read and its write: as atomic as the counter and the LWTs it stands for. */
export class MemoryTeamCountStore implements TeamCountStore {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly clock: Clock) {}

  private row(team: TeamId, kind: CountedKind): Row {
    const k = `${team.toLowerCase()}\n${kind}`;
    let r = this.rows.get(k);
    if (!r) this.rows.set(k, (r = { n: 0, checkedAt: null, doubtAt: null, lease: null }));
    if (r.lease && r.lease.until <= this.clock.now().getTime()) r.lease = null;
    return r;
  }

  async add(team: TeamId, kind: CountedKind, delta: number): Promise<void> {
    this.row(team, kind).n += delta;
  }

  async markDoubt(team: TeamId, kind: CountedKind, at: Date): Promise<void> {
    this.row(team, kind).doubtAt = at;
  }

  async get(team: TeamId, kind: CountedKind): Promise<TeamCount> {
    const r = this.row(team, kind);
    return { n: r.n, checkedAt: r.checkedAt, doubtAt: r.doubtAt };
  }

  async takeLease(team: TeamId, kind: CountedKind, lease: string, ttlSeconds: number): Promise<boolean> {
    const r = this.row(team, kind);
    if (r.lease) return false;
    r.lease = { id: lease, until: this.clock.now().getTime() + ttlSeconds * 1000 };
    return true;
  }

  async finish(team: TeamId, kind: CountedKind, lease: string, checkedAt: Date): Promise<boolean> {
    const r = this.row(team, kind);
    if (r.lease?.id !== lease) return false;
    r.lease = null;
    r.checkedAt = checkedAt;
    return true;
  }

  async dropLease(team: TeamId, kind: CountedKind, lease: string): Promise<void> {
    const r = this.row(team, kind);
    if (r.lease?.id === lease) r.lease = null;
  }
}
