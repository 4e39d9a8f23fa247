import type { ScimTokenId, TeamId } from '@sso/domain';

/**
 * What a SCIM token has beyond spar's two token tables (which stay exactly spar.cql): its expiry,
 * the token it was rotated from, and when it was last used. Table `brig.scim_token_lifecycle`,
 * keyed like `team_provisioning_by_token` by the token's hash (`"sha512:" + base64(SHA-512)`, also
 * for spar's legacy plaintext rows), so authentication reads it in parallel with spar's row. A
 * token without a row (every token spar made) never expires and was never seen used.
 */
export interface ScimTokenLifecycle {
  /** The token's hash key. */
  tokenKey: string;
  team: TeamId | null;
  id: ScimTokenId | null;
  /** After this instant the token is refused; null = never. */
  expiresAt: Date | null;
  /** The token this one replaced by rotation (both stay valid until the old one is deleted or expires). */
  rotatedFrom: ScimTokenId | null;
  /** Coarse: written at most about once a minute, off the request path. */
  lastUsed: Date | null;
}

export type ScimTokenLifecycleInput = Pick<ScimTokenLifecycle, 'tokenKey' | 'team' | 'id' | 'expiresAt' | 'rotatedFrom'>;

export interface ScimTokenLifecycleStore {
  get(tokenKey: string): Promise<ScimTokenLifecycle | null>;
  /** The rows of these keys (absent keys are absent from the map). */
  getMany(tokenKeys: readonly string[]): Promise<Map<string, ScimTokenLifecycle>>;
  /** Writes expiry and rotation origin (null clears them); never touches `lastUsed`. */
  put(rec: ScimTokenLifecycleInput): Promise<void>;
  /** Sets `lastUsed` only (creates a row that holds nothing else for a token without one). */
  touch(tokenKey: string, at: Date): Promise<void>;
  /** Removes the row (the token was deleted); no-op when absent. */
  delete(tokenKey: string): Promise<void>;
}
