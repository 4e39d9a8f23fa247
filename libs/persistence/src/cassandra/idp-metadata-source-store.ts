import type { IdpId, TeamId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { IdpMetadataSource, IdpMetadataSourceStore } from '../ports/idp-metadata-source-store';
import type { Page, PageRequest } from '../ports/paging';
import type { CassandraDb } from './db';
import { selectPage, uuidText } from './store-helpers';

const COLUMNS = 'idp, team, url, checked_at, applied_at, valid_until, last_error';

export class CassandraIdpMetadataSourceStore implements IdpMetadataSourceStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  /**
   * LWT-only, like every write to this table (the lease and the attempts are LWTs, and a partition
   * written with LWTs is never written with plain statements): insert if absent, else update.
   */
  async put(s: IdpMetadataSource): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ins = await this.db.execute(
        'idp_metadata_source.insert',
        `INSERT INTO ${this.ks}.idp_metadata_source (idp, team, url, checked_at, applied_at, valid_until, last_error) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
        [s.idp, s.team, s.url, s.checkedAt, s.appliedAt, s.validUntil, s.lastError],
      );
      if (ins.wasApplied()) return;
      const upd = await this.db.execute(
        'idp_metadata_source.update',
        `UPDATE ${this.ks}.idp_metadata_source SET team = ?, url = ?, checked_at = ?, applied_at = ?, valid_until = ?, last_error = ? WHERE idp = ? IF EXISTS`,
        [s.team, s.url, s.checkedAt, s.appliedAt, s.validUntil, s.lastError, s.idp],
      );
      if (upd.wasApplied()) return;
    }
    throw new Error(`idp_metadata_source.put: row of ${s.idp} kept appearing and disappearing`);
  }

  async get(idp: IdpId): Promise<IdpMetadataSource | null> {
    const rs = await this.db.execute(
      'idp_metadata_source.get',
      `SELECT ${COLUMNS} FROM ${this.ks}.idp_metadata_source WHERE idp = ?`,
      [idp],
      { idempotent: true },
    );
    return fromRow(rs.first());
  }

  async delete(idp: IdpId): Promise<void> {
    await this.db.execute('idp_metadata_source.delete', `DELETE FROM ${this.ks}.idp_metadata_source WHERE idp = ? IF EXISTS`, [idp]);
  }

  async recordAttempt(
    idp: IdpId,
    a: { checkedAt: Date; lastError: string | null; appliedAt?: Date; validUntil?: Date | null },
  ): Promise<void> {
    // Conditional on the row: a refresh finishing after the IdP was deleted must not resurrect it.
    const sets = ['checked_at = ?', 'last_error = ?'];
    const params: unknown[] = [a.checkedAt, a.lastError];
    if (a.appliedAt) {
      sets.push('applied_at = ?', 'valid_until = ?');
      params.push(a.appliedAt, a.validUntil ?? null);
    }
    await this.db.execute(
      a.appliedAt ? 'idp_metadata_source.applied' : 'idp_metadata_source.checked',
      `UPDATE ${this.ks}.idp_metadata_source SET ${sets.join(', ')} WHERE idp = ? IF EXISTS`,
      [...params, idp],
    );
  }

  list(page: PageRequest): Promise<Page<IdpMetadataSource>> {
    return selectPage(
      this.db,
      'idp_metadata_source.scan',
      `SELECT ${COLUMNS} FROM ${this.ks}.idp_metadata_source`,
      [],
      'idp_metadata_source:*',
      page,
      fromRow,
    );
  }

  async tryLease(idp: IdpId, owner: string, ttlSeconds: number): Promise<boolean> {
    const rs = await this.db.execute(
      'idp_metadata_source.lease',
      `UPDATE ${this.ks}.idp_metadata_source USING TTL ? SET lease = ? WHERE idp = ? IF url != null AND lease = null`,
      [ttlSeconds, owner, idp],
    );
    return rs.wasApplied();
  }

  async releaseLease(idp: IdpId, owner: string): Promise<void> {
    await this.db.execute(
      'idp_metadata_source.release',
      `UPDATE ${this.ks}.idp_metadata_source SET lease = null WHERE idp = ? IF lease = ?`,
      [idp, owner],
    );
  }
}

function fromRow(row: types.Row | null | undefined): IdpMetadataSource | null {
  if (!row || row.url == null || row.team == null) return null;
  return {
    idp: uuidText<IdpId>(row.idp),
    team: uuidText<TeamId>(row.team),
    url: row.url as string,
    checkedAt: (row.checked_at as Date | null) ?? null,
    appliedAt: (row.applied_at as Date | null) ?? null,
    validUntil: (row.valid_until as Date | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
  };
}
