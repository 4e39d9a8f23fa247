import type { TeamId } from '@sso/domain';
import type { PageCheckpoint, PageCheckpointStore } from '../ports/page-checkpoint-store';
import type { CassandraDb } from './db';

export class CassandraPageCheckpointStore implements PageCheckpointStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async put(team: TeamId, scope: string, cp: PageCheckpoint, ttlSeconds: number): Promise<void> {
    await this.db.execute(
      'scim_page_checkpoint.put',
      `INSERT INTO ${this.ks}.scim_page_checkpoint (team, scope, idx, cursor) VALUES (?, ?, ?, ?) USING TTL ?`,
      [team, scope, cp.index, cp.cursor, ttlSeconds],
      { idempotent: true },
    );
  }

  async nearest(team: TeamId, scope: string, index: number): Promise<PageCheckpoint | null> {
    // Clustered by idx descending: the first row at or below `index` is the nearest one.
    const rs = await this.db.execute(
      'scim_page_checkpoint.nearest',
      `SELECT idx, cursor FROM ${this.ks}.scim_page_checkpoint WHERE team = ? AND scope = ? AND idx <= ? LIMIT 1`,
      [team, scope, index],
      { idempotent: true },
    );
    const row = rs.first();
    return row ? { index: row.idx as number, cursor: row.cursor as string } : null;
  }
}
