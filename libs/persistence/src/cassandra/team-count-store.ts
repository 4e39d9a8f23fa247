import type { TeamId } from '@sso/domain';
import type { CountedKind, TeamCount, TeamCountStore } from '../ports/team-count-store';
import { type CassandraDb, cassandra } from './db';
import { applied } from './store-helpers';

export class CassandraTeamCountStore implements TeamCountStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async add(team: TeamId, kind: CountedKind, delta: number): Promise<void> {
    // A counter update: not idempotent, so never retried (idempotent: false); see the port.
    await this.db.execute('scim_team_count.add', `UPDATE ${this.ks}.scim_team_count SET n = n + ? WHERE team = ? AND kind = ?`, [
      cassandra.types.Long.fromNumber(delta),
      team,
      kind,
    ]);
  }

  async markDoubt(team: TeamId, kind: CountedKind, at: Date): Promise<void> {
    await this.db.execute(
      'scim_team_count_state.doubt',
      `UPDATE ${this.ks}.scim_team_count_state SET doubt_at = ? WHERE team = ? AND kind = ?`,
      [at, team, kind],
      { idempotent: true },
    );
  }

  async get(team: TeamId, kind: CountedKind): Promise<TeamCount> {
    const [count, state] = await Promise.all([
      this.db.execute('scim_team_count.get', `SELECT n FROM ${this.ks}.scim_team_count WHERE team = ? AND kind = ?`, [team, kind], {
        idempotent: true,
      }),
      this.db.execute(
        'scim_team_count_state.get',
        `SELECT checked_at, doubt_at FROM ${this.ks}.scim_team_count_state WHERE team = ? AND kind = ?`,
        [team, kind],
        { idempotent: true },
      ),
    ]);
    const n = count.first()?.n as { toNumber(): number } | null | undefined;
    const s = state.first();
    return {
      n: n ? n.toNumber() : 0,
      checkedAt: (s?.checked_at as Date | null | undefined) ?? null,
      doubtAt: (s?.doubt_at as Date | null | undefined) ?? null,
    };
  }

  async takeLease(team: TeamId, kind: CountedKind, lease: string, ttlSeconds: number): Promise<boolean> {
    const rs = await this.db.execute(
      'scim_team_count_state.take_lease',
      `UPDATE ${this.ks}.scim_team_count_state USING TTL ? SET lease = ? WHERE team = ? AND kind = ? IF lease = null`,
      [ttlSeconds, lease, team, kind],
    );
    return applied(rs);
  }

  async finish(team: TeamId, kind: CountedKind, lease: string, checkedAt: Date): Promise<boolean> {
    const rs = await this.db.execute(
      'scim_team_count_state.finish',
      `UPDATE ${this.ks}.scim_team_count_state SET checked_at = ?, lease = null WHERE team = ? AND kind = ? IF lease = ?`,
      [checkedAt, team, kind, lease],
    );
    return applied(rs);
  }

  async dropLease(team: TeamId, kind: CountedKind, lease: string): Promise<void> {
    await this.db.execute(
      'scim_team_count_state.drop_lease',
      `UPDATE ${this.ks}.scim_team_count_state SET lease = null WHERE team = ? AND kind = ? IF lease = ?`,
      [team, kind, lease],
    );
  }
}
