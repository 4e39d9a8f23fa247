import type { IdpId } from '@sso/domain';

/** Table `default_idp`: the instance-wide default SSO code (one partition, 'default'). */
export interface DefaultIdpStore {
  /** The lowest IdP id in the partition (spar: `ORDER BY idp LIMIT 1`), or null. */
  get(): Promise<IdpId | null>;
  /** Replaces every row with `idp`, atomically; null only deletes. Existence is the caller's check. */
  set(idp: IdpId | null): Promise<void>;
}
