import type { UserId } from '@sso/domain';
import { judge } from '../cassandra/password-reset-store';
import {
  PASSWORD_RESET_GRACE_SECONDS,
  type PasswordResetRecord,
  type PasswordResetStore,
  type ResetLookup,
} from '../ports/password-reset-store';

interface Row {
  user: UserId;
  codeHash: Buffer;
  expires: Date;
  usedAt: Date | null;
  /** When the TTL removes the row. */
  gone: number;
}

/** The twin of `brig.password_reset`; the TTL runs by the times the callers pass. */
export class MemoryPasswordResetStore implements PasswordResetStore {
  private readonly rows = new Map<string, Row>();

  async put(r: PasswordResetRecord, _now: Date): Promise<void> {
    this.rows.set(r.key, {
      user: r.user,
      codeHash: Buffer.from(r.codeHash),
      expires: r.expires,
      usedAt: null,
      gone: r.expires.getTime() + PASSWORD_RESET_GRACE_SECONDS * 1000,
    });
  }

  async check(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup> {
    return judge(this.live(key, now), codeHash, now);
  }

  async consume(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup> {
    const row = this.live(key, now);
    const verdict = judge(row, codeHash, now);
    if (verdict.state === 'valid') row!.usedAt = now;
    return verdict;
  }

  private live(key: string, now: Date): Row | null {
    const row = this.rows.get(key);
    if (row && row.gone <= now.getTime()) this.rows.delete(key);
    return row && row.gone > now.getTime() ? row : null;
  }
}
