import { type Clock, type UserId, systemClock } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { CookieRecord, CookieStore, CookieType } from '../ports/identity-stores';
import { checkTtl } from '../ports/ttl';
import { type CassandraDb, cassandra } from './db';
import { uuidText } from './store-helpers';

const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

/** A cookie id as the driver binds a bigint column (without `useBigIntAsLong` it wants a Long). */
function longOf(id: bigint): types.Long {
  if (id < MIN_LONG || id > MAX_LONG) throw new RangeError(`cookie id ${id} does not fit a signed 64-bit bigint column`);
  return cassandra.types.Long.fromString(id.toString());
}

/** brig `user_cookies.type`, as Wire: 0 session, 1 persistent. */
const cookieTypeCode = (t: CookieType): number => (t === 'persistent' ? 1 : 0);

function cookieTypeOf(code: number | null): CookieType {
  if (code === 0) return 'session';
  if (code === 1) return 'persistent';
  throw new Error(`brig user_cookies.type ${String(code)} is not a known cookie type`);
}

/** Whole seconds from now until `expires`, rounded up, at least 1 (0 would mean "never expires"). */
function cookieTtl(clock: Clock, expires: Date): number {
  return checkTtl(Math.max(1, Math.ceil((expires.getTime() - clock.now().getTime()) / 1000)));
}

const COLUMNS = '"user", expires, id, created, label, type';

/**
 * brig `user_cookies` ((user), expires, id): rows written `USING TTL` ending at `expires`, so
 * Cassandra drops them (to the second: a row may go up to a second before `expires`). `succ_id`
 * (Wire's renewal chain) is not used and never written.
 */
export class CassandraCookieStore implements CookieStore {
  private readonly ks: string;

  constructor(
    private readonly db: CassandraDb,
    private readonly clock: Clock = systemClock,
  ) {
    this.ks = db.config.keyspaces.brig;
  }

  async insert(c: CookieRecord): Promise<void> {
    const ttl = cookieTtl(this.clock, c.expires);
    // label unset rather than null: a fresh row needs no tombstone.
    await this.db.execute(
      'user_cookies.insert',
      `INSERT INTO ${this.ks}.user_cookies (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?`,
      [c.user, c.expires, longOf(c.id), c.created, c.label ?? undefined, cookieTypeCode(c.type), ttl],
      { idempotent: true },
    );
  }

  async get(user: UserId, expires: Date, id: bigint): Promise<CookieRecord | null> {
    const rs = await this.db.execute(
      'user_cookies.get',
      `SELECT ${COLUMNS} FROM ${this.ks}.user_cookies WHERE "user" = ? AND expires = ? AND id = ?`,
      [user, expires, longOf(id)],
      { idempotent: true },
    );
    return cookieFromRow(rs.first());
  }

  async delete(user: UserId, expires: Date, id: bigint): Promise<void> {
    await this.db.execute(
      'user_cookies.delete',
      `DELETE FROM ${this.ks}.user_cookies WHERE "user" = ? AND expires = ? AND id = ?`,
      [user, expires, longOf(id)],
      {
        idempotent: true,
      },
    );
  }

  /** The user's live cookies in clustering order (expires, then id), every page of the partition. */
  async listByUser(user: UserId): Promise<CookieRecord[]> {
    const out: CookieRecord[] = [];
    let pageState: string | undefined;
    do {
      const rs = await this.db.execute('user_cookies.list', `SELECT ${COLUMNS} FROM ${this.ks}.user_cookies WHERE "user" = ?`, [user], {
        idempotent: true,
        fetchSize: 1000,
        pageState,
      });
      for (const row of rs.rows) {
        const c = cookieFromRow(row);
        if (c) out.push(c);
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  async deleteAllByUser(user: UserId): Promise<void> {
    await this.db.execute('user_cookies.delete_by_user', `DELETE FROM ${this.ks}.user_cookies WHERE "user" = ?`, [user], {
      idempotent: true,
    });
  }
}

/** A row without created or type (never written so by us) is absent. */
function cookieFromRow(row: types.Row | null | undefined): CookieRecord | null {
  if (!row || row.created == null || row.type == null) return null;
  return {
    user: uuidText<UserId>(row.user),
    id: BigInt((row.id as types.Long).toString()),
    expires: row.expires as Date,
    created: row.created as Date,
    label: (row.label as string | null) ?? null,
    type: cookieTypeOf(row.type as number),
  };
}
