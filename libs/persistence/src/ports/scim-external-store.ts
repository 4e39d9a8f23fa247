import type { TeamId, UserId } from '@sso/domain';
import type { Page, PageRequest } from './paging';

/** `creation_status`: 1 = Creating, 0 or null = Created. */
export type ScimCreationStatus = 'creating' | 'created';

export interface ScimExternalRecord {
  team: TeamId;
  externalId: string;
  uid: UserId;
  status: ScimCreationStatus;
}

export type ScimExternalClaim =
  /** The row is ours: just inserted as Creating, or already held by the same uid (a retry). */
  | { ok: true; record: ScimExternalRecord }
  /** Held by another user. */
  | { ok: false; owner: ScimExternalRecord };

/**
 * Table `scim_external`: a team's externalIds and the users holding them. Every write is a
 * lightweight transaction, so concurrent creates of one externalId end with exactly one owner.
 * (spar wrote this table with plain inserts after a read, which lets two creates both win.)
 */
export interface ScimExternalStore {
  /** `INSERT ... IF NOT EXISTS` with status Creating. */
  claim(team: TeamId, externalId: string, uid: UserId): Promise<ScimExternalClaim>;
  /** Sets Created if `uid` still holds the externalId; false otherwise. */
  markCreated(team: TeamId, externalId: string, uid: UserId): Promise<boolean>;
  /** Deletes the row if `uid` still holds it (`DELETE ... IF user = ?`); false otherwise. */
  release(team: TeamId, externalId: string, uid: UserId): Promise<boolean>;
  get(team: TeamId, externalId: string): Promise<ScimExternalRecord | null>;
  /** A team's rows in clustering order (UTF-8 byte order of external_id). */
  listByTeam(team: TeamId, page?: PageRequest): Promise<Page<ScimExternalRecord>>;
}

/** The `creation_status` column: 1 = Creating; 0 and null (rows older than the column) = Created. */
export function creationStatusOf(v: number | null | undefined): ScimCreationStatus {
  return v === 1 ? 'creating' : 'created';
}
