import type { Role, TeamId, UserId } from '@sso/domain';

/**
 * A team invitation of a SCIM user without an IdP (brig `team_invitation` and
 * `team_invitation_info`, docs/data-model.md "Invitations"). As in Wire, the invitation id is
 * the invited user's id. `code` holds the SHA-256 (hex) of the link's secret, never the secret.
 */
export interface InvitationRecord {
  team: TeamId;
  /** The invitation id, which is the invited (pending) user's id. */
  id: UserId;
  /** SHA-256 hex of the secret in the link. */
  code: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  createdBy: UserId | null;
  /** createdAt + the invitation timeout; the `team_invitation` row's TTL ends here. */
  expiresAt: Date;
}

/** What the link's code finds (`team_invitation_info`), kept a while past expiry so the page can say "expired". */
export interface InvitationCodeRecord {
  code: string;
  team: TeamId;
  id: UserId;
  expiresAt: Date;
  /** When the link was used; the link is one-time. */
  usedAt: Date | null;
}

/**
 * An email activation link (brig `activation_keys`): `key` is the SHA-256 hex of the link's
 * secret, `keyText` the address it confirms for `user`.
 */
export interface ActivationRecord {
  key: string;
  keyText: string;
  user: UserId;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface InvitationStore {
  /**
   * Writes the invitation (TTL to `expiresAt`) and its code row (TTL `expiresAt` + `LINK_GRACE_SECONDS`,
   * so an expired link is still recognised as such). The code row is written with `IF NOT
   * EXISTS`, so a code never points at two invitations.
   */
  create(inv: InvitationRecord): Promise<void>;
  /** The live invitation of (team, id), or null once expired, accepted or revoked. `email` is as written; its key row uses `emailKey`. */
  get(team: TeamId, id: UserId): Promise<InvitationRecord | null>;
  byCode(code: string): Promise<InvitationCodeRecord | null>;
  /**
   * Marks the code used, once: a lightweight transaction on `used_at` (and the invitation id), so
   * of concurrent uses exactly one gets true. False when used, revoked or gone.
   */
  markUsed(rec: InvitationCodeRecord, now: Date): Promise<boolean>;
  /**
   * Whether a live invitation is addressed to this email key (`team_invitation_email`, the
   * email's partition): login says "pending activation" rather than "wrong password".
   */
  pendingForEmail(emailKey: string): Promise<boolean>;
  /** Removes the invitation row only (after acceptance: the user is no longer pending). */
  finish(team: TeamId, id: UserId): Promise<void>;
  /** Removes the invitation and its code row: the link is dead. Idempotent. */
  revoke(team: TeamId, id: UserId): Promise<void>;
}

export interface ActivationStore {
  /** TTL `expiresAt` + `LINK_GRACE_SECONDS` from `now`; `IF NOT EXISTS`. */
  create(rec: ActivationRecord, now: Date): Promise<void>;
  get(key: string): Promise<ActivationRecord | null>;
  /** One-time use, as `InvitationStore.markUsed`. */
  markUsed(rec: ActivationRecord, now: Date): Promise<boolean>;
}

/** The remaining TTL of a row that lives until `until` (at least one second). */
export function ttlUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/**
 * How long a link's code row outlives its expiry: during that week the page can tell "expired"
 * and "already used" apart from a link that never existed.
 */
export const LINK_GRACE_SECONDS = 7 * 86_400;

/** The TTL of a code row of a link that expires at `expiresAt`. */
export const codeRowTtl = (expiresAt: Date, now: Date): number => ttlUntil(expiresAt, now) + LINK_GRACE_SECONDS;
