import { type ManagedBy, type TeamId, type User, type UserId, type UserStatus, userStatuses } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { Claim, UserStore } from '../ports/identity-stores';
import type { CassandraDb } from './db';
import { applied, selectIn, uuidOrNull, uuidText } from './store-helpers';

/**
 * brig's `user.status` and `managed_by` ints, as Wire stores them: status active 0, suspended 1,
 * deleted 2, ephemeral 3, pending-invitation 4 (the order of `userStatuses`); managed_by wire 0,
 * scim 1.
 */
const userStatusCode = (s: UserStatus): number => userStatuses.indexOf(s);
const managedByCode = (m: ManagedBy): number => (m === 'scim' ? 1 : 0);

function userStatusOf(code: number): UserStatus {
  const s = userStatuses[code];
  if (s === undefined) throw new Error(`brig user.status ${code} is not a known status`);
  return s;
}

function managedByOf(code: number): ManagedBy {
  if (code === 0) return 'wire';
  if (code === 1) return 'scim';
  throw new Error(`brig user.managed_by ${code} is not a known value`);
}

/** The User fields and the brig columns holding them, in the order `put` writes them. */
const FIELDS = {
  team: 'team',
  name: 'name',
  handle: 'handle',
  email: 'email',
  emailUnvalidated: 'email_unvalidated',
  language: 'language',
  country: 'country',
  status: 'status',
  managedBy: 'managed_by',
  ssoId: 'sso_id',
  passwordHash: 'password',
  activated: 'activated',
} as const satisfies Record<keyof Omit<User, 'id'>, string>;

type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];
const COLUMNS = FIELD_NAMES.map((f) => FIELDS[f]).join(', ');

/** A User field as the value bound to its column (null clears the column). */
function toColumn<F extends Field>(field: F, value: User[F]): unknown {
  if (value === null) return null;
  switch (field) {
    case 'status':
      return userStatusCode(value as UserStatus);
    case 'managedBy':
      return managedByCode(value as ManagedBy);
    case 'passwordHash':
      return Buffer.from(value as string, 'utf8');
    default:
      return value;
  }
}

/**
 * brig `user`, `user_handle`, `user_keys` and `rich_info`. The two key tables are written only with
 * lightweight transactions (claim `IF NOT EXISTS`, release `IF "user" = ?`): concurrent claims of
 * one handle or email end with exactly one owner, and LWT and plain writes never share a partition.
 */
export class CassandraUserStore implements UserStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async get(id: UserId): Promise<User | null> {
    const rs = await this.db.execute('user.get', `SELECT id, ${COLUMNS} FROM ${this.ks}."user" WHERE id = ?`, [id], { idempotent: true });
    return userFromRow(rs.first());
  }

  async getMany(ids: UserId[]): Promise<User[]> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase() as UserId))];
    const rows = await selectIn(
      this.db,
      'user.get_many',
      `SELECT id, ${COLUMNS} FROM ${this.ks}."user" WHERE id IN ?`,
      wanted,
      (chunk) => [chunk],
      userFromRow,
    );
    const found = new Map<string, User>(rows.map((u) => [u.id, u]));
    return wanted.map((id) => found.get(id)).filter((u): u is User => u !== undefined);
  }

  async put(user: User): Promise<void> {
    // Every column, nulls included: a full replace must clear what the new value lacks.
    await this.db.execute(
      'user.put',
      `INSERT INTO ${this.ks}."user" (id, ${COLUMNS}) VALUES (?, ${FIELD_NAMES.map(() => '?').join(', ')})`,
      [user.id, ...FIELD_NAMES.map((f) => toColumn(f, user[f]))],
      { idempotent: true },
    );
  }

  async update(id: UserId, changes: Partial<Omit<User, 'id'>>): Promise<void> {
    // Columns in a fixed order, so each set of changed columns is one prepared statement.
    const fields = FIELD_NAMES.filter((f) => changes[f] !== undefined);
    if (fields.length === 0) return;
    await this.db.execute(
      'user.update',
      `UPDATE ${this.ks}."user" SET ${fields.map((f) => `${FIELDS[f]} = ?`).join(', ')} WHERE id = ?`,
      [...fields.map((f) => toColumn(f, changes[f] as User[typeof f])), id],
      { idempotent: true },
    );
  }

  async updateWithRichInfo(id: UserId, changes: Partial<Omit<User, 'id'>>, richInfoJson: string): Promise<void> {
    const fields = FIELD_NAMES.filter((f) => changes[f] !== undefined);
    if (fields.length === 0) return this.putRichInfo(id, richInfoJson);
    // One partition key (the user id) in one keyspace: Cassandra applies the two as one mutation,
    // atomically and without the batch log; a batch without conditions is retried like an upsert.
    await this.db.batch('user.update_with_rich_info', [
      {
        query: `UPDATE ${this.ks}."user" SET ${fields.map((f) => `${FIELDS[f]} = ?`).join(', ')} WHERE id = ?`,
        params: [...fields.map((f) => toColumn(f, changes[f] as User[typeof f])), id],
      },
      { query: `INSERT INTO ${this.ks}.rich_info ("user", json) VALUES (?, ?)`, params: [id, Buffer.from(richInfoJson, 'utf8')] },
    ]);
  }

  async delete(id: UserId): Promise<void> {
    await this.db.batch('user.delete', [
      { query: `DELETE FROM ${this.ks}."user" WHERE id = ?`, params: [id] },
      { query: `DELETE FROM ${this.ks}.rich_info WHERE "user" = ?`, params: [id] },
    ]);
  }

  claimHandle(handle: string, owner: UserId): Promise<Claim> {
    return this.claim(
      'user_handle.claim',
      `INSERT INTO ${this.ks}.user_handle (handle, "user") VALUES (?, ?) IF NOT EXISTS`,
      handle,
      owner,
    );
  }

  async releaseHandle(handle: string, owner: UserId): Promise<void> {
    await this.db.execute('user_handle.release', `DELETE FROM ${this.ks}.user_handle WHERE handle = ? IF "user" = ?`, [handle, owner]);
  }

  lookupHandle(handle: string): Promise<UserId | null> {
    return this.lookup('user_handle.get', `SELECT "user" FROM ${this.ks}.user_handle WHERE handle = ?`, handle);
  }

  claimEmail(key: string, owner: UserId): Promise<Claim> {
    return this.claim('user_keys.claim', `INSERT INTO ${this.ks}.user_keys (key, "user") VALUES (?, ?) IF NOT EXISTS`, key, owner);
  }

  async releaseEmail(key: string, owner: UserId): Promise<void> {
    await this.db.execute('user_keys.release', `DELETE FROM ${this.ks}.user_keys WHERE key = ? IF "user" = ?`, [key, owner]);
  }

  lookupEmail(key: string): Promise<UserId | null> {
    return this.lookup('user_keys.get', `SELECT "user" FROM ${this.ks}.user_keys WHERE key = ?`, key);
  }

  async getRichInfo(id: UserId): Promise<string | null> {
    const rs = await this.db.execute('rich_info.get', `SELECT json FROM ${this.ks}.rich_info WHERE "user" = ?`, [id], { idempotent: true });
    const json = rs.first()?.json as Buffer | null | undefined;
    return json == null ? null : json.toString('utf8');
  }

  async putRichInfo(id: UserId, json: string): Promise<void> {
    await this.db.execute(
      'rich_info.put',
      `INSERT INTO ${this.ks}.rich_info ("user", json) VALUES (?, ?)`,
      [id, Buffer.from(json, 'utf8')],
      {
        idempotent: true,
      },
    );
  }

  /** Not applied: the answer carries the current row, whose owner may be the claimant (a retry). */
  private async claim(name: string, cql: string, key: string, owner: UserId): Promise<Claim> {
    const rs = await this.db.execute(name, cql, [key, owner]);
    if (applied(rs)) return { ok: true };
    const current = rs.first()?.user;
    if (current == null) throw new Error(`${name} of ${JSON.stringify(key)} neither applied nor answered with an owner`);
    const holder = uuidText<UserId>(current);
    return holder === owner.toLowerCase() ? { ok: true } : { ok: false, owner: holder };
  }

  private async lookup(name: string, cql: string, key: string): Promise<UserId | null> {
    const rs = await this.db.execute(name, cql, [key], { idempotent: true });
    return uuidOrNull<UserId>(rs.first()?.user);
  }
}

/**
 * A row lacking a column every User has (name, status, managed_by, activated) is absent: what an
 * `update` of a missing or concurrently deleted user leaves behind.
 */
function userFromRow(row: types.Row | null | undefined): User | null {
  if (!row || row.name == null || row.status == null || row.managed_by == null || row.activated == null) return null;
  const password = row.password as Buffer | null;
  return {
    id: uuidText<UserId>(row.id),
    team: uuidOrNull<TeamId>(row.team),
    name: row.name as string,
    handle: (row.handle as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    emailUnvalidated: (row.email_unvalidated as string | null) ?? null,
    language: (row.language as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    status: userStatusOf(row.status as number),
    managedBy: managedByOf(row.managed_by as number),
    ssoId: (row.sso_id as string | null) ?? null,
    passwordHash: password == null ? null : password.toString('utf8'),
    activated: row.activated as boolean,
  };
}
