import type { UserId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { ScimUserDoc, ScimUserDocStore, ScimUserDocWrite } from '../ports/scim-user-doc-store';
import type { CassandraDb } from './db';
import { selectIn, uuidText } from './store-helpers';

/**
 * How far `insertNew` stamps its write in the past. A Paxos commit is stamped with its ballot (the
 * coordinator's clock), a plain write with the app's clock: stamped an hour back, the first write
 * loses to every later compare-and-set unless the app's clock runs an hour ahead of Cassandra's.
 */
const FIRST_WRITE_BACKDATE_MS = 3_600_000;

export class CassandraScimUserDocStore implements ScimUserDocStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async get(uid: UserId): Promise<ScimUserDoc | null> {
    const rs = await this.db.execute(
      'scim_user_doc.get',
      `SELECT "user", doc, version, created_at, last_updated_at FROM ${this.ks}.scim_user_doc WHERE "user" = ?`,
      [uid],
      {
        idempotent: true,
      },
    );
    return docFromRow(rs.first());
  }

  async getMany(uids: UserId[]): Promise<Map<UserId, ScimUserDoc>> {
    const docs = await selectIn(
      this.db,
      'scim_user_doc.get_many',
      `SELECT "user", doc, version, created_at, last_updated_at FROM ${this.ks}.scim_user_doc WHERE "user" IN ?`,
      uids,
      (chunk) => [chunk],
      docFromRow,
    );
    return new Map(docs.map((d) => [d.uid, d]));
  }

  async create(d: ScimUserDoc): Promise<ScimUserDocWrite> {
    const rs = await this.db.execute(
      'scim_user_doc.create',
      `INSERT INTO ${this.ks}.scim_user_doc ("user", doc, version, created_at, last_updated_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
      [d.uid, d.doc, d.version, d.times?.createdAt ?? null, d.times?.lastUpdatedAt ?? null],
    );
    return rs.wasApplied() ? { ok: true } : { ok: false, current: (rs.first()?.version as string | null) ?? null };
  }

  async insertNew(d: ScimUserDoc): Promise<void> {
    await this.db.execute(
      'scim_user_doc.insert_new',
      `INSERT INTO ${this.ks}.scim_user_doc ("user", doc, version, created_at, last_updated_at) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?`,
      [d.uid, d.doc, d.version, d.times?.createdAt ?? null, d.times?.lastUpdatedAt ?? null, (Date.now() - FIRST_WRITE_BACKDATE_MS) * 1000],
      { idempotent: true },
    );
  }

  async replace(d: ScimUserDoc, expected: string): Promise<ScimUserDocWrite> {
    const rs = await this.db.execute(
      'scim_user_doc.replace',
      `UPDATE ${this.ks}.scim_user_doc SET doc = ?, version = ?, created_at = ?, last_updated_at = ? WHERE "user" = ? IF version = ?`,
      [d.doc, d.version, d.times?.createdAt ?? null, d.times?.lastUpdatedAt ?? null, d.uid, expected],
    );
    return rs.wasApplied() ? { ok: true } : { ok: false, current: (rs.first()?.version as string | null) ?? null };
  }

  async deleteIf(uid: UserId, expected: string): Promise<ScimUserDocWrite> {
    const rs = await this.db.execute('scim_user_doc.delete_if', `DELETE FROM ${this.ks}.scim_user_doc WHERE "user" = ? IF version = ?`, [
      uid,
      expected,
    ]);
    return rs.wasApplied() ? { ok: true } : { ok: false, current: (rs.first()?.version as string | null) ?? null };
  }

  async delete(uid: UserId): Promise<void> {
    await this.db.execute('scim_user_doc.delete', `DELETE FROM ${this.ks}.scim_user_doc WHERE "user" = ?`, [uid], { idempotent: true });
  }
}

function docFromRow(row: types.Row | null | undefined): ScimUserDoc | null {
  if (!row || row.doc == null) return null;
  const doc: ScimUserDoc = { uid: uuidText<UserId>(row.user), doc: row.doc as string, version: row.version as string };
  if (row.created_at instanceof Date) {
    doc.times = { createdAt: row.created_at, lastUpdatedAt: row.last_updated_at instanceof Date ? row.last_updated_at : row.created_at };
  }
  return doc;
}
