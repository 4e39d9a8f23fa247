import type { User } from '@sso/domain';
import type { CookieType } from '../ports/identity-stores';
import { type Page, type PageRequest, InvalidCursorError, decodeCursor, encodeCursor, pageSize } from '../ports/paging';
import { compareUuid } from './ordering';
import { type Expiring, Partitioned } from './tables';

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a: bigint, b: bigint) => (a * b) & M64;
const add = (a: bigint, b: bigint) => (a + b) & M64;

function fmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = mul(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul(k, 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
}

/**
 * The Murmur3Partitioner token of a uuid partition key: the first half of MurmurHash3 x64_128
 * (seed 0) over the key's 16 bytes, as a signed 64-bit value (Long.MIN_VALUE is mapped to
 * MAX_VALUE, as Cassandra does). Sixteen bytes are exactly one block, so Cassandra's sign-extension
 * quirk in the tail never applies. A full-table scan returns partitions in this order.
 */
export function uuidToken(uuid: string): bigint {
  const b = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  if (b.length !== 16) throw new TypeError(`not a uuid: ${uuid}`);
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  let h1 = 0n;
  let h2 = 0n;
  let k1 = b.readBigUInt64LE(0);
  let k2 = b.readBigUInt64LE(8);
  k1 = mul(rotl(mul(k1, c1), 31n), c2);
  h1 ^= k1;
  h1 = add(mul(add(rotl(h1, 27n), h2), 5n), 0x52dce729n);
  k2 = mul(rotl(mul(k2, c2), 33n), c1);
  h2 ^= k2;
  h2 = add(mul(add(rotl(h2, 31n), h1), 5n), 0x38495ab5n);
  h1 ^= 16n;
  h2 ^= 16n;
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = add(h1, h2);
  const token = BigInt.asIntN(64, h1);
  return token === -(1n << 63n) ? (1n << 63n) - 1n : token;
}

/** Partitions in scan order: by token, then by key bytes (Cassandra's DecoratedKey order). */
export function compareByToken(a: string, b: string): number {
  const ta = uuidToken(a);
  const tb = uuidToken(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Buffer.compare(Buffer.from(a.replace(/-/g, ''), 'hex'), Buffer.from(b.replace(/-/g, ''), 'hex'));
}

/** `user_cookies` clustering key (expires, id) as one string: "<epoch ms>|<signed id>". */
export const cookieKey = (expires: Date, id: bigint): string => `${expires.getTime()}|${id}`;

export function parseCookieKey(k: string): { expires: Date; id: bigint } {
  const [ms, id] = k.split('|');
  return { expires: new Date(Number(ms)), id: BigInt(id!) };
}

/** Cassandra's order of (expires timestamp, id bigint): both signed, ascending. */
export function compareCookieKey(a: string, b: string): number {
  const x = parseCookieKey(a);
  const y = parseCookieKey(b);
  const dt = x.expires.getTime() - y.expires.getTime();
  if (dt !== 0) return dt;
  return x.id === y.id ? 0 : x.id < y.id ? -1 : 1;
}

/** brig `user` columns; a column never written or set to null is null, as in Cassandra. */
export type UserRow = { [K in keyof Omit<User, 'id'>]?: User[K] | null };

export interface TeamRow {
  name: string;
  creator: string;
  deleted: boolean;
}

/** galley `team_member` row: perms as the bit pair galley stores. */
export interface MemberRow {
  perms: { self: bigint; copy: bigint } | null;
  invitedAt: Date | null;
  invitedBy: string | null;
}

export interface CookieRow {
  created: Date;
  label: string | null;
  type: CookieType;
}

/**
 * The brig and galley tables of one in-memory "cluster" (ids as lowercase uuid strings), shared
 * by the identity twins as the Cassandra adapters share the keyspaces.
 */
export class MemoryIdentityTables {
  /** brig */
  readonly user = new Map<string, UserRow>();
  readonly userHandle = new Map<string, string>();
  readonly userKeys = new Map<string, string>();
  readonly richInfo = new Map<string, string>();
  /** user -> "expires|id" -> row, expiring by TTL */
  readonly userCookies = new Partitioned<Expiring<CookieRow>>(compareCookieKey);
  /** galley */
  readonly team = new Map<string, TeamRow>();
  /** team -> user -> row */
  readonly teamMember = new Partitioned<MemberRow>(compareUuid);
  /** user -> team -> true */
  readonly userTeam = new Partitioned<true>(compareUuid);
  /** `team_features.sso_status` by team */
  readonly ssoStatus = new Map<string, 'enabled' | 'disabled'>();
  /** `team_features.validate_saml_emails` by team */
  readonly validateSamlEmailsStatus = new Map<string, 'enabled' | 'disabled'>();

  /** One page of a full scan of `team` in token order; the cursor holds the last team id. */
  scanTeams<T>(scope: string, req: PageRequest | undefined, map: (id: string, row: TeamRow) => T | null): Page<T> {
    const limit = pageSize(req);
    const after = decodeCursor(scope, req?.cursor);
    if (after !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(after)) throw new InvalidCursorError();
    const ids = [...this.team.keys()].sort(compareByToken).filter((id) => after === null || compareByToken(id, after) > 0);
    const slice = ids.slice(0, limit);
    const items: T[] = [];
    for (const id of slice) {
      const item = map(id, this.team.get(id)!);
      if (item !== null) items.push(item);
    }
    return { items, cursor: slice.length === limit ? encodeCursor(scope, slice[slice.length - 1]!) : null };
  }
}
