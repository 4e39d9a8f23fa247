import type { IdpId, ScimTokenId, TeamId } from '@sso/domain';

export interface ScimTokenRecord {
  team: TeamId;
  id: ScimTokenId;
  /**
   * The `token_` key: `"sha512:" + base64(SHA-512(token))` for every token we create; legacy rows
   * hold the plaintext until `rehash`. Hashing is the caller's (auth lib's) job.
   */
  tokenKey: string;
  createdAt: Date;
  idp: IdpId | null;
  description: string;
  /** Null on rows written by API versions before v8. */
  name: string | null;
}

/** Tables `team_provisioning_by_token` (auth lookup) and `team_provisioning_by_team` (management). */
export interface ScimTokenStore {
  /** Writes both tables in one logged batch. */
  insert(rec: ScimTokenRecord): Promise<void>;
  /**
   * Authentication lookup by `hash`, then by `plaintext` (a legacy row) when the hash is unknown:
   * one partition read for a current token. The hashed row wins when both exist;
   * a record whose tokenKey equals `plaintext` is a legacy row the caller should `rehash`.
   */
  lookup(hash: string, plaintext: string): Promise<ScimTokenRecord | null>;
  /**
   * Rewrites a legacy plaintext row under its hash (both tables) and deletes the plaintext lookup
   * row, in one logged batch. Returns the rewritten record, or null if no plaintext row exists.
   */
  rehash(plaintext: string, hash: string): Promise<ScimTokenRecord | null>;
  get(team: TeamId, id: ScimTokenId): Promise<ScimTokenRecord | null>;
  /** The team's tokens by created_at, then id. */
  listByTeam(team: TeamId): Promise<ScimTokenRecord[]>;
  countByTeam(team: TeamId): Promise<number>;
  /** Sets the name in both tables; false (and nothing written) when the token does not exist. */
  rename(team: TeamId, id: ScimTokenId, name: string): Promise<boolean>;
  /** Deletes the token and its lookup row; false when it did not exist. */
  delete(team: TeamId, id: ScimTokenId): Promise<boolean>;
  /** Deletes every token of the team; returns how many. */
  deleteAllByTeam(team: TeamId): Promise<number>;
  /** Deletes the team's tokens bound to `idp`; returns how many. */
  deleteAllByTeamAndIdp(team: TeamId, idp: IdpId): Promise<number>;
}
