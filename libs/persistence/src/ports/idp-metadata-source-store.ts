import type { IdpId, TeamId } from '@sso/domain';
import type { Page, PageRequest } from './paging';

/** Where an IdP's metadata comes from when it was registered by URL, and how its refresh went. */
export interface IdpMetadataSource {
  idp: IdpId;
  team: TeamId;
  /** The https URL the metadata is fetched from. */
  url: string;
  /** Last attempt (success or not); the scheduler refreshes when this is older than its interval. */
  checkedAt: Date | null;
  /** Last time fetched metadata was applied to the IdP. */
  appliedAt: Date | null;
  /** `validUntil` of the applied metadata, if it had one. */
  validUntil: Date | null;
  /** Why the last attempt was not applied; null after a success. */
  lastError: string | null;
}

/**
 * Table `brig.idp_metadata_source` (ours; spar has no such thing and its 18 tables stay as they
 * are). One row per IdP registered from a URL. The refresh lease is a column of the same row,
 * claimed with a lightweight transaction and kept alive by a TTL, so a crashed refresher frees it.
 */
export interface IdpMetadataSourceStore {
  /** Writes url, team and the refresh state (not the lease). */
  put(src: IdpMetadataSource): Promise<void>;
  get(idp: IdpId): Promise<IdpMetadataSource | null>;
  delete(idp: IdpId): Promise<void>;
  /** Records an attempt: `checkedAt` and `lastError` always; `appliedAt`/`validUntil` when given. */
  recordAttempt(idp: IdpId, a: { checkedAt: Date; lastError: string | null; appliedAt?: Date; validUntil?: Date | null }): Promise<void>;
  /** Every source, for the background refresher (a paged scan; never on a request path). */
  list(page: PageRequest): Promise<Page<IdpMetadataSource>>;
  /** `UPDATE ... USING TTL ttl SET lease = owner IF lease = null` on an existing row: true if claimed. */
  tryLease(idp: IdpId, owner: string, ttlSeconds: number): Promise<boolean>;
  /** Clears the lease only if `owner` still holds it. */
  releaseLease(idp: IdpId, owner: string): Promise<void>;
}
