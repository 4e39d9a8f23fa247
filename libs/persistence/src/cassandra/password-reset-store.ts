import { timingSafeEqual } from 'node:crypto';
import type { UserId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import {
  PASSWORD_RESET_GRACE_SECONDS,
  type PasswordResetRecord,
  type PasswordResetStore,
  type ResetLookup,
} from '../ports/password-reset-store';
import type { CassandraDb } from './db';
import { uuidText } from './store-helpers';

/** Seconds the row has left: until its expiry plus the grace period (at least 1, as TTLs must be). */
const ttlLeft = (expires: Date, now: Date) =>
  Math.max(1, Math.ceil((expires.getTime() - now.getTime()) / 1000) + PASSWORD_RESET_GRACE_SECONDS);

export function judge(
  row: { codeHash: Buffer; expires: Date; usedAt: Date | null; user: UserId } | null,
  codeHash: Buffer,
  now: Date,
): ResetLookup {
  if (!row || row.codeHash.length !== codeHash.length || !timingSafeEqual(row.codeHash, codeHash)) return { state: 'invalid' };
  if (row.usedAt) return { state: 'used' };
  if (row.expires.getTime() <= now.getTime()) return { state: 'expired' };
  return { state: 'valid', user: row.user };
}

/** `brig.password_reset`: written with plain inserts (a new request replaces the row), used with one LWT. */
export class CassandraPasswordResetStore implements PasswordResetStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async put(r: PasswordResetRecord, now: Date): Promise<void> {
    await this.db.execute(
      'password_reset.put',
      `INSERT INTO ${this.ks}.password_reset (key, "user", code_hash, expires, used_at) VALUES (?, ?, ?, ?, null) USING TTL ?`,
      [r.key, r.user, r.codeHash, r.expires, ttlLeft(r.expires, now)],
      { idempotent: true },
    );
  }

  async check(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup> {
    return judge(await this.read(key), codeHash, now);
  }

  async consume(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup> {
    const row = await this.read(key);
    const verdict = judge(row, codeHash, now);
    if (verdict.state !== 'valid') return verdict;
    // Conditional on the code (a newer request replaced the row: refused) and on the link being unused.
    const rs = await this.db.execute(
      'password_reset.consume',
      `UPDATE ${this.ks}.password_reset USING TTL ? SET used_at = ? WHERE key = ? IF code_hash = ? AND used_at = null`,
      [ttlLeft(row!.expires, now), now, key, codeHash],
    );
    if (rs.wasApplied()) return verdict;
    return judge(await this.read(key), codeHash, now);
  }

  private async read(key: string) {
    const rs = await this.db.execute(
      'password_reset.get',
      `SELECT "user", code_hash, expires, used_at FROM ${this.ks}.password_reset WHERE key = ?`,
      [key],
      { idempotent: true },
    );
    const row: types.Row | undefined = rs.first();
    if (!row || row.code_hash == null || row.user == null) return null;
    return {
      user: uuidText<UserId>(row.user),
      codeHash: row.code_hash as Buffer,
      expires: row.expires as Date,
      usedAt: (row.used_at as Date | null) ?? null,
    };
  }
}
