import type { UserId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { SamlUserRecord } from '../ports/saml-user-store';
import type { ScimUserTimes, ScimUserTimesStore } from '../ports/scim-user-times-store';
import type { CassandraDb } from './db';
import { CassandraSamlUserStore, samlUserInsert } from './saml-user-store';
import { BATCH_BYTES_MAX, selectIn, uuidText } from './store-helpers';

export class CassandraScimUserTimesStore implements ScimUserTimesStore {
  private readonly ks: string;
  /** For a SAML identity too large to share a batch. */
  private readonly samlUsers: CassandraSamlUserStore;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
    this.samlUsers = new CassandraSamlUserStore(db);
  }

  private insert(t: ScimUserTimes): { query: string; params: unknown[] } {
    return {
      query: `INSERT INTO ${this.ks}.scim_user_times (uid, created_at, last_updated_at) VALUES (?, ?, ?)`,
      params: [t.uid, t.createdAt, t.lastUpdatedAt],
    };
  }

  async put(t: ScimUserTimes): Promise<void> {
    const { query, params } = this.insert(t);
    await this.db.execute('scim_user_times.put', query, params, { idempotent: true });
  }

  /**
   * One UNLOGGED batch of the two plain inserts that `put` and `user_v2.insert` run (both spar,
   * two partitions): one request instead of two, each mutation still written at the configured
   * consistency. Unlogged on purpose: the caller needs no atomicity (it undoes both on failure, as
   * after two parallel writes), and the batch log would cost more than the request saved. A
   * SAML identity too large for Cassandra's multi-partition batch thresholds (warning at 5 KiB,
   * refusal at 50 KiB by default) goes as the two statements, in parallel, as before.
   */
  async putWithSamlUser(t: ScimUserTimes, saml: SamlUserRecord): Promise<void> {
    const bytes = Buffer.byteLength(saml.issuer) + Buffer.byteLength(saml.normalizedNameId) + Buffer.byteLength(saml.ssoId);
    if (bytes > BATCH_BYTES_MAX) {
      await Promise.all([this.put(t), this.samlUsers.insert(saml)]);
      return;
    }
    await this.db.batch('scim_user_times.put_with_saml_user', [this.insert(t), samlUserInsert(this.ks, saml)], { logged: false });
  }

  async touch(uid: UserId, at: Date): Promise<void> {
    // On a missing uid this leaves a row without created_at, which reads treat as absent.
    await this.db.execute('scim_user_times.touch', `UPDATE ${this.ks}.scim_user_times SET last_updated_at = ? WHERE uid = ?`, [at, uid], {
      idempotent: true,
    });
  }

  async get(uid: UserId): Promise<ScimUserTimes | null> {
    const rs = await this.db.execute(
      'scim_user_times.get',
      `SELECT uid, created_at, last_updated_at FROM ${this.ks}.scim_user_times WHERE uid = ?`,
      [uid],
      {
        idempotent: true,
      },
    );
    return timesFromRow(rs.first());
  }

  async getMany(uids: UserId[]): Promise<Map<UserId, ScimUserTimes>> {
    const times = await selectIn(
      this.db,
      'scim_user_times.get_many',
      `SELECT uid, created_at, last_updated_at FROM ${this.ks}.scim_user_times WHERE uid IN ?`,
      uids,
      (chunk) => [chunk],
      timesFromRow,
    );
    return new Map(times.map((t) => [t.uid, t]));
  }

  async delete(uid: UserId): Promise<void> {
    await this.db.execute('scim_user_times.delete', `DELETE FROM ${this.ks}.scim_user_times WHERE uid = ?`, [uid], { idempotent: true });
  }
}

function timesFromRow(row: types.Row | null | undefined): ScimUserTimes | null {
  if (!row || row.created_at == null) return null;
  const createdAt = row.created_at as Date;
  return { uid: uuidText<UserId>(row.uid), createdAt, lastUpdatedAt: (row.last_updated_at as Date | null) ?? createdAt };
}
