import type { UserId } from '@sso/domain';

/** A pending password reset: who it is for, the hash of its code, until when it may be used. */
export interface PasswordResetRecord {
  /** The link's key (derived from the user id, so a new request replaces the old one). */
  key: string;
  user: UserId;
  /** SHA-256 of the link's code; the code itself is only in the mail. */
  codeHash: Buffer;
  expires: Date;
}

/** What happened to a link when it was used or looked at. */
export type ResetLookup =
  | { state: 'valid'; user: UserId }
  | { state: 'expired' }
  | { state: 'used' }
  /** No such key, or a code that does not match. */
  | { state: 'invalid' };

/**
 * Table `brig.password_reset` (ours, brig migration 9; docs/data-model.md). Rows outlive their
 * expiry by `PASSWORD_RESET_GRACE_SECONDS` (the TTL), so a link that expired or was used a little
 * while ago gets a page that says so rather than "unknown link".
 */
export interface PasswordResetStore {
  /** Writes (or replaces) the reset of `r.key`. */
  put(r: PasswordResetRecord, now: Date): Promise<void>;
  /** Reads without using: what the link's page shows. */
  check(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup>;
  /** Uses the link: of concurrent uses with the right code exactly one gets `valid`. */
  consume(key: string, codeHash: Buffer, now: Date): Promise<ResetLookup>;
}

/** How long a row stays after its expiry (or use) to tell "expired" and "used" from "unknown". */
export const PASSWORD_RESET_GRACE_SECONDS = 86_400;
