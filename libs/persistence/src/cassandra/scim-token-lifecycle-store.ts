import type { ScimTokenId, TeamId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { ScimTokenLifecycle, ScimTokenLifecycleInput, ScimTokenLifecycleStore } from '../ports/scim-token-lifecycle-store';
import type { CassandraDb } from './db';
import { selectIn, uuidOrNull } from './store-helpers';

const COLUMNS = 'token_, team, id, expires_at, rotated_from, last_used';

export class CassandraScimTokenLifecycleStore implements ScimTokenLifecycleStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async get(tokenKey: string): Promise<ScimTokenLifecycle | null> {
    const rs = await this.db.execute(
      'scim_token_lifecycle.get',
      `SELECT ${COLUMNS} FROM ${this.ks}.scim_token_lifecycle WHERE token_ = ?`,
      [tokenKey],
      { idempotent: true },
    );
    return fromRow(rs.first());
  }

  async getMany(tokenKeys: readonly string[]): Promise<Map<string, ScimTokenLifecycle>> {
    const rows = await selectIn(
      this.db,
      'scim_token_lifecycle.get_many',
      `SELECT ${COLUMNS} FROM ${this.ks}.scim_token_lifecycle WHERE token_ IN ?`,
      [...new Set(tokenKeys)],
      (chunk) => [chunk],
      fromRow,
    );
    return new Map(rows.map((r) => [r.tokenKey, r]));
  }

  async put(rec: ScimTokenLifecycleInput): Promise<void> {
    // An UPDATE of these columns only: last_used, written by scim-api, is left as it is.
    await this.db.execute(
      'scim_token_lifecycle.put',
      `UPDATE ${this.ks}.scim_token_lifecycle SET team = ?, id = ?, expires_at = ?, rotated_from = ? WHERE token_ = ?`,
      [rec.team, rec.id, rec.expiresAt, rec.rotatedFrom, rec.tokenKey],
      { idempotent: true },
    );
  }

  async touch(tokenKey: string, at: Date): Promise<void> {
    await this.db.execute(
      'scim_token_lifecycle.touch',
      `UPDATE ${this.ks}.scim_token_lifecycle SET last_used = ? WHERE token_ = ?`,
      [at, tokenKey],
      { idempotent: true },
    );
  }

  async delete(tokenKey: string): Promise<void> {
    await this.db.execute('scim_token_lifecycle.delete', `DELETE FROM ${this.ks}.scim_token_lifecycle WHERE token_ = ?`, [tokenKey], {
      idempotent: true,
    });
  }
}

function fromRow(row: types.Row | null | undefined): ScimTokenLifecycle | null {
  if (!row || row.token_ == null) return null;
  return {
    tokenKey: row.token_ as string,
    team: uuidOrNull<TeamId>(row.team),
    id: uuidOrNull<ScimTokenId>(row.id),
    expiresAt: (row.expires_at as Date | null) ?? null,
    rotatedFrom: uuidOrNull<ScimTokenId>(row.rotated_from),
    lastUsed: (row.last_used as Date | null) ?? null,
  };
}
