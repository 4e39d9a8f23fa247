import type { UserId } from '@sso/domain';

/** A user's SCIM document: the whole resource as the client last wrote it (without meta). */
export interface ScimUserDoc {
  uid: UserId;
  /** The resource as JSON text. */
  doc: string;
  /** Opaque version (the ETag's tag); changes with every write. */
  version: string;
  /**
   * meta.created and meta.lastModified, written with the document by the same write (brig
   * migration 16), so a read needs no `spar.scim_user_times` row. Absent on rows written before:
   * readers then fall back to `scim_user_times`, which every write still keeps for spar.
   */
  times?: ScimDocTimes;
}

export interface ScimDocTimes {
  createdAt: Date;
  lastUpdatedAt: Date;
}

export type ScimUserDocWrite = { ok: true } | { ok: false; current: string | null };

/**
 * Table `brig.scim_user_doc` (ours): the SCIM attributes brig has no column for (name parts,
 * several emails and phone numbers, addresses, the enterprise extension, ...). Writes are
 * lightweight transactions on `version`, so conditional SCIM writes are compare-and-set.
 */
export interface ScimUserDocStore {
  get(uid: UserId): Promise<ScimUserDoc | null>;
  /** The documents found, keyed by uid (unknown ids are absent). */
  getMany(uids: UserId[]): Promise<Map<UserId, ScimUserDoc>>;
  /** `INSERT ... IF NOT EXISTS`. */
  create(d: ScimUserDoc): Promise<ScimUserDocWrite>;
  /**
   * The first document of a user that is being created: `d.uid` is new, and no other request can
   * write its document before this write is acknowledged (its brig row, which every other writer
   * finds the user by, is written only afterwards). A plain insert, not a Paxos round: the row's
   * later compare-and-sets must still win over it, so the adapter stamps it an hour in the past
   * (docs/decisions.md, "The first document of a new user is a plain write").
   */
  insertNew(d: ScimUserDoc): Promise<void>;
  /** `UPDATE ... IF version = expected`: the write happens only on the version the caller read. */
  replace(d: ScimUserDoc, expected: string): Promise<ScimUserDocWrite>;
  /** `DELETE ... IF version = expected`: the delete happens only on the version the caller read. */
  deleteIf(uid: UserId, expected: string): Promise<ScimUserDocWrite>;
  delete(uid: UserId): Promise<void>;
}
