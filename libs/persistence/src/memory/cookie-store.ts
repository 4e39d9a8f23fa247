import { type Clock, type UserId, systemClock } from '@sso/domain';
import type { CookieRecord, CookieStore } from '../ports/identity-stores';
import { checkTtl } from '../ports/ttl';
import { type CookieRow, MemoryIdentityTables, cookieKey, parseCookieKey } from './identity-tables';
import { alive, expiring } from './tables';
import { lc } from './ids';

const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

/** Twin of CassandraCookieStore: rows expire by the clock after the same whole-second TTL. */
export class MemoryCookieStore implements CookieStore {
  constructor(
    private readonly t: MemoryIdentityTables = new MemoryIdentityTables(),
    private readonly clock: Clock = systemClock,
  ) {}

  async insert(c: CookieRecord): Promise<void> {
    // As CassandraCookieStore: whole seconds until expires, rounded up, at least 1.
    const ttl = checkTtl(Math.max(1, Math.ceil((c.expires.getTime() - this.clock.now().getTime()) / 1000)));
    const row: CookieRow = { created: new Date(c.created.getTime()), label: c.label, type: c.type };
    this.t.userCookies.put(lc(c.user), key(c.expires, c.id), expiring(this.clock, row, ttl));
  }

  async get(user: UserId, expires: Date, id: bigint): Promise<CookieRecord | null> {
    const k = key(expires, id);
    const row = alive(this.clock, this.t.userCookies.get(lc(user), k));
    return row ? recordOf(lc(user), k, row) : null;
  }

  async delete(user: UserId, expires: Date, id: bigint): Promise<void> {
    this.t.userCookies.delete(lc(user), key(expires, id));
  }

  async listByUser(user: UserId): Promise<CookieRecord[]> {
    const out: CookieRecord[] = [];
    for (const [k, e] of this.t.userCookies.rows(lc(user))) {
      const row = alive(this.clock, e);
      if (row) out.push(recordOf(lc(user), k, row));
    }
    return out;
  }

  async deleteAllByUser(user: UserId): Promise<void> {
    this.t.userCookies.deletePartition(lc(user));
  }
}

function key(expires: Date, id: bigint): string {
  if (id < MIN_LONG || id > MAX_LONG) throw new RangeError(`cookie id ${id} does not fit a signed 64-bit bigint column`);
  return cookieKey(expires, id);
}

function recordOf(user: UserId, k: string, row: CookieRow): CookieRecord {
  const { expires, id } = parseCookieKey(k);
  return { user, id, expires, created: new Date(row.created.getTime()), label: row.label, type: row.type };
}
