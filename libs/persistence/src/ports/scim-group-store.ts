import type { TeamId, UserId } from '@sso/domain';
import type { Page, PageRequest } from './paging';

/** A SCIM group's own row (without its members). */
export interface ScimGroupRecord {
  team: TeamId;
  /** Lowercase uuid. */
  id: string;
  displayName: string;
  externalId: string | null;
  created: Date;
  /** When displayName / externalId last changed. */
  lastModified: Date;
  /** Opaque; changes with every write of the row's own attributes (compare-and-set). */
  version: string;
  /** Opaque; changes with every change of the members (plain writes, never compared by an LWT). */
  membersVersion: string;
  /** When the members last changed. */
  membersModified: Date;
}

export interface ScimGroupMember {
  user: UserId;
  /** What the client sent as the member's `display`, if anything. */
  display: string | null;
}

/** The attributes a compare-and-set writes, and the version it expects. */
export interface ScimGroupChange {
  displayName: string;
  externalId: string | null;
  version: string;
  lastModified: Date;
}

export type ScimGroupWrite = { ok: true } | { ok: false };

/**
 * Tables `brig.scim_group`, `scim_group_member`, `scim_user_group` and `scim_group_by_name`
 * (ours; docs/data-model.md). The group row holds the group's own attributes and is changed by
 * compare-and-set on `version`; members are one row each (and a reverse row per user), so adding
 * or removing members never rewrites a list and concurrent additions never lose each other.
 */
export interface ScimGroupStore {
  /** Writes members, reverse rows and the name key first, the group row last (it makes the group visible). */
  create(g: ScimGroupRecord, members: readonly ScimGroupMember[]): Promise<void>;
  get(team: TeamId, id: string): Promise<ScimGroupRecord | null>;
  /** The team's groups among `ids` (unknown ids are absent), in clustering order. */
  getMany(team: TeamId, ids: readonly string[]): Promise<ScimGroupRecord[]>;
  /** The team's groups in clustering (id) order, one page per call. */
  list(team: TeamId, page: PageRequest): Promise<Page<ScimGroupRecord>>;
  /** Ids of groups whose displayName, lowercased, is `name` lowercased (may hold stale ids: check the rows). */
  idsByName(team: TeamId, name: string): Promise<string[]>;
  /**
   * `UPDATE ... IF version = expected.version [AND members_version = expected.membersVersion]`.
   * The name key of the new name is written before, the old one removed after a success.
   */
  replace(
    team: TeamId,
    id: string,
    change: ScimGroupChange,
    expected: { version: string; membersVersion?: string },
    previousName: string,
  ): Promise<ScimGroupWrite>;
  /** Marks a change of members: a new members version and time (a plain write). */
  touchMembers(team: TeamId, id: string, membersVersion: string, at: Date): Promise<void>;
  /** Every member of one group (one partition), in user-id order. */
  members(team: TeamId, id: string): Promise<ScimGroupMember[]>;
  /** Inserts member rows with their reverse rows (idempotent). */
  addMembers(team: TeamId, id: string, members: readonly ScimGroupMember[]): Promise<void>;
  /** Deletes member rows with their reverse rows (absent ones are no-ops). */
  removeMembers(team: TeamId, id: string, users: readonly UserId[]): Promise<void>;
  /** The groups (of `team`) that hold `user`, from the reverse table (one partition). */
  groupsOf(team: TeamId, user: UserId): Promise<string[]>;
  /** Removes the group row, its name key, its member rows and their reverse rows; true when this call removed the row (of concurrent deletes, one). */
  delete(team: TeamId, id: string): Promise<boolean>;
}
