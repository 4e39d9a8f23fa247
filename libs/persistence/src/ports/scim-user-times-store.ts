import type { UserId } from '@sso/domain';
import type { SamlUserRecord } from './saml-user-store';

export interface ScimUserTimes {
  uid: UserId;
  createdAt: Date;
  lastUpdatedAt: Date;
}

/** Table `scim_user_times`: SCIM `meta.created` / `meta.lastModified` (millisecond precision). */
export interface ScimUserTimesStore {
  put(times: ScimUserTimes): Promise<void>;
  /**
   * `put` and `SamlUserStore.insert` in one request (a new SCIM user with an IdP). Not atomic: as
   * with two parallel writes, either may have landed when it fails (the caller undoes both).
   */
  putWithSamlUser(times: ScimUserTimes, saml: SamlUserRecord): Promise<void>;
  /** Sets lastUpdatedAt. No-op for a uid without times (a bare update cannot create a record). */
  touch(uid: UserId, at: Date): Promise<void>;
  get(uid: UserId): Promise<ScimUserTimes | null>;
  /** Times of several users at once (missing ones are absent from the map). */
  getMany(uids: UserId[]): Promise<Map<UserId, ScimUserTimes>>;
  delete(uid: UserId): Promise<void>;
}
