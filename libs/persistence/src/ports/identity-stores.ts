import type { Role, Team, TeamId, TeamMember, User, UserId } from '@sso/domain';
import type { Page, PageRequest } from './paging';

/** The outcome of claiming a unique key (handle, email) with a lightweight transaction. */
export type Claim = { ok: true } | { ok: false; owner: UserId };

/**
 * Users (keyspace brig): `user` by id, the unique keys `user_handle` and `user_keys` (email),
 * claimed with LWTs and released on failure, and `rich_info`.
 */
export interface UserStore {
  get(id: UserId): Promise<User | null>;
  /** The users found, in the order asked and each once; unknown ids are skipped. */
  getMany(ids: UserId[]): Promise<User[]>;
  /** Writes the whole row (create, or full replace). */
  put(user: User): Promise<void>;
  /** Sets the given columns only. */
  update(id: UserId, changes: Partial<Omit<User, 'id'>>): Promise<void>;
  /**
   * `update` and `putRichInfo` in one write: both rows have the user's id as partition key, so on
   * Cassandra they go out as one single-partition batch (atomic, no batch log), one statement.
   */
  updateWithRichInfo(id: UserId, changes: Partial<Omit<User, 'id'>>, richInfoJson: string): Promise<void>;
  /** Deletes the row and its rich info (keys are released by the caller, who knows them). */
  delete(id: UserId): Promise<void>;

  /** `INSERT INTO user_handle ... IF NOT EXISTS`; claiming a handle one already owns is ok. */
  claimHandle(handle: string, owner: UserId): Promise<Claim>;
  /** Deletes the claim only if `owner` still holds it. */
  releaseHandle(handle: string, owner: UserId): Promise<void>;
  lookupHandle(handle: string): Promise<UserId | null>;

  /** Email keys, already normalised with `emailKey`. Same semantics as handles. */
  claimEmail(key: string, owner: UserId): Promise<Claim>;
  releaseEmail(key: string, owner: UserId): Promise<void>;
  lookupEmail(key: string): Promise<UserId | null>;

  getRichInfo(id: UserId): Promise<string | null>;
  putRichInfo(id: UserId, json: string): Promise<void>;
}

/** A galley team feature's status, stored as galley does: 0 = disabled, 1 = enabled. */
export type FeatureStatus = 'enabled' | 'disabled';

/** Teams and memberships (keyspace galley): `team`, `team_member`, `user_team`, `team_features`. */
export interface TeamStore {
  createTeam(team: Team): Promise<void>;
  getTeam(id: TeamId): Promise<Team | null>;
  /** Removes the `team` row (the undo of a team bootstrap that failed half-way); members are not touched. */
  deleteTeam(id: TeamId): Promise<void>;
  /** Operator listing (not a request path): a paged scan of `team`. */
  listTeams(page: PageRequest): Promise<Page<Team>>;
  /** Writes `team_member` (perms from the role) and `user_team` in one logged batch. */
  addMember(member: TeamMember): Promise<void>;
  getMember(team: TeamId, user: UserId): Promise<TeamMember | null>;
  /** Changes an existing member's perms; a non-member is left alone (no member row is created). */
  setRole(team: TeamId, user: UserId, role: Role): Promise<void>;
  removeMember(team: TeamId, user: UserId): Promise<void>;
  /**
   * removeMember, with an answer: true for the one call that removed the membership (a
   * lightweight transaction on `user_team`, the user's own partition, so deletes across a team
   * do not contend). The SCIM user count is decremented on it (docs/decisions.md, "Counts for index paging").
   */
  removeMemberOnce(team: TeamId, user: UserId): Promise<boolean>;
  listMembers(team: TeamId, page: PageRequest): Promise<Page<TeamMember>>;
  /** The user's team via `user_team`, or null. */
  teamOf(user: UserId): Promise<TeamId | null>;
  /** The team's explicit `sso` feature status, or null when never set (the configured default applies). */
  ssoStatus(team: TeamId): Promise<FeatureStatus | null>;
  setSsoStatus(team: TeamId, status: FeatureStatus): Promise<void>;
  /** The team's explicit `validateSAMLemails` status (`team_features.validate_saml_emails`), or null when never set. */
  validateSamlEmailsStatus(team: TeamId): Promise<FeatureStatus | null>;
  setValidateSamlEmailsStatus(team: TeamId, status: FeatureStatus): Promise<void>;
}

export type CookieType = 'session' | 'persistent';

/** A login session (brig `user_cookies`, key (user, expires, id)); expires by TTL. */
export interface CookieRecord {
  user: UserId;
  id: bigint;
  expires: Date;
  created: Date;
  label: string | null;
  type: CookieType;
}

export interface CookieStore {
  /** Inserts with a TTL that ends at `expires`. */
  insert(cookie: CookieRecord): Promise<void>;
  /** Keyed read: the cookie token carries all three key parts. */
  get(user: UserId, expires: Date, id: bigint): Promise<CookieRecord | null>;
  delete(user: UserId, expires: Date, id: bigint): Promise<void>;
  listByUser(user: UserId): Promise<CookieRecord[]>;
  deleteAllByUser(user: UserId): Promise<void>;
}

export interface IdentityStores {
  users: UserStore;
  teams: TeamStore;
  cookies: CookieStore;
}
