import type { UserId } from '@sso/domain';
import type { Page, PageRequest } from '../ports/paging';
import type { SamlUserRecord, SamlUserStore } from '../ports/saml-user-store';
import type { CassandraDb } from './db';
import { selectPage, uuidText } from './store-helpers';

/** spar's `user_v2` insert of `rec` (also sent in a batch by scim-user-times-store.ts). */
export function samlUserInsert(ks: string, rec: SamlUserRecord): { query: string; params: unknown[] } {
  return {
    query: `INSERT INTO ${ks}.user_v2 (issuer, normalized_uname_id, sso_id, uid) VALUES (?, ?, ?, ?)`,
    params: [rec.issuer, rec.normalizedNameId, rec.ssoId, rec.uid],
  };
}

export class CassandraSamlUserStore implements SamlUserStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
  }

  async get(issuer: string, normalizedNameId: string): Promise<SamlUserRecord | null> {
    const rs = await this.db.execute(
      'user_v2.get',
      `SELECT sso_id, uid FROM ${this.ks}.user_v2 WHERE issuer = ? AND normalized_uname_id = ?`,
      [issuer, normalizedNameId],
      { idempotent: true },
    );
    const row = rs.first();
    if (!row || row.uid == null) return null;
    return { issuer, normalizedNameId, ssoId: row.sso_id as string, uid: uuidText<UserId>(row.uid) };
  }

  async lookup(issuer: string, normalizedNameId: string, ssoId: string): Promise<SamlUserRecord | null> {
    const found = await this.get(issuer, normalizedNameId);
    if (found) return found;
    const rs = await this.db.execute(
      'user_legacy.get',
      `SELECT uid FROM ${this.ks}."user" WHERE issuer = ? AND sso_id = ?`,
      [issuer, ssoId],
      {
        idempotent: true,
      },
    );
    const uid = rs.first()?.uid;
    if (uid == null) return null;
    const rec: SamlUserRecord = { issuer, normalizedNameId, ssoId, uid: uuidText<UserId>(uid) };
    await this.insert(rec); // lazy migration, as spar does on a legacy hit
    return rec;
  }

  async insert(rec: SamlUserRecord): Promise<void> {
    const { query, params } = samlUserInsert(this.ks, rec);
    await this.db.execute('user_v2.insert', query, params, { idempotent: true });
  }

  async delete(issuer: string, normalizedNameId: string): Promise<void> {
    const found = await this.get(issuer, normalizedNameId);
    const queries: Array<{ query: string; params: unknown[] }> = [
      { query: `DELETE FROM ${this.ks}.user_v2 WHERE issuer = ? AND normalized_uname_id = ?`, params: [issuer, normalizedNameId] },
    ];
    if (found) queries.push({ query: `DELETE FROM ${this.ks}."user" WHERE issuer = ? AND sso_id = ?`, params: [issuer, found.ssoId] });
    await this.db.batch('user_v2.delete', queries);
  }

  listByIssuer(issuer: string, page?: PageRequest): Promise<Page<SamlUserRecord>> {
    return selectPage(
      this.db,
      'user_v2.list_by_issuer',
      `SELECT normalized_uname_id, sso_id, uid FROM ${this.ks}.user_v2 WHERE issuer = ?`,
      [issuer],
      `user_v2:${issuer}`,
      page,
      (row) =>
        row.uid == null
          ? null
          : { issuer, normalizedNameId: row.normalized_uname_id as string, ssoId: row.sso_id as string, uid: uuidText<UserId>(row.uid) },
    );
  }

  async deleteAllByIssuer(issuer: string): Promise<void> {
    await this.db.batch('user_v2.delete_by_issuer', [
      { query: `DELETE FROM ${this.ks}.user_v2 WHERE issuer = ?`, params: [issuer] },
      { query: `DELETE FROM ${this.ks}."user" WHERE issuer = ?`, params: [issuer] },
    ]);
  }
}
