import type { Clock } from '@sso/domain';
import { compareText, compareUuid } from './ordering';
import { type Page, type PageRequest, decodeCursor, encodeCursor, pageSize } from '../ports/paging';
import { checkTtl } from '../ports/ttl';

/** A row with an optional expiry (epoch ms), like a Cassandra cell written `USING TTL`. */
export interface Expiring<T> {
  value: T;
  expiresAt: number | null;
}

export function expiring<T>(clock: Clock, value: T, ttlSeconds?: number): Expiring<T> {
  return { value, expiresAt: ttlSeconds === undefined ? null : clock.now().getTime() + checkTtl(ttlSeconds) * 1000 };
}

export function alive<T>(clock: Clock, e: Expiring<T> | undefined): T | undefined {
  if (!e) return undefined;
  return e.expiresAt === null || clock.now().getTime() < e.expiresAt ? e.value : undefined;
}

/** A partition of clustered rows, ordered by `compare` on read. */
export class Partitioned<R> {
  private readonly parts = new Map<string, Map<string, R>>();

  constructor(private readonly compare: (a: string, b: string) => number) {}

  get(pk: string, ck: string): R | undefined {
    return this.parts.get(pk)?.get(ck);
  }

  put(pk: string, ck: string, row: R): void {
    let p = this.parts.get(pk);
    if (!p) this.parts.set(pk, (p = new Map()));
    p.set(ck, row);
  }

  delete(pk: string, ck: string): void {
    const p = this.parts.get(pk);
    p?.delete(ck);
    if (p?.size === 0) this.parts.delete(pk);
  }

  deletePartition(pk: string): void {
    this.parts.delete(pk);
  }

  /** [clustering key, row] pairs in clustering order. */
  rows(pk: string): Array<[string, R]> {
    return [...(this.parts.get(pk) ?? [])].sort(([a], [b]) => this.compare(a, b));
  }

  /** One page as Cassandra pages: a full page carries a cursor even if nothing follows. */
  page<T>(pk: string, scope: string, req: PageRequest | undefined, map: (ck: string, row: R) => T): Page<T> {
    const limit = pageSize(req);
    const pos = decodeCursor(scope, req?.cursor);
    const after = pos === null ? null : pos.slice(1); // positions carry a 'k' prefix so '' stays a key
    const rows = this.rows(pk).filter(([ck]) => after === null || this.compare(ck, after) > 0);
    const slice = rows.slice(0, limit);
    const last = slice[slice.length - 1];
    return {
      items: slice.map(([ck, row]) => map(ck, row)),
      cursor: slice.length === limit && last ? encodeCursor(scope, `k${last[0]}`) : null,
    };
  }
}

/** Row shapes of the spar tables, as stored by the twins (ids as lowercase uuid strings). */
export interface IdpRow {
  issuer: string | null;
  requestUri: string | null;
  certs: string[] | null;
  team: string | null;
  apiVersion: number | null;
  oldIssuers: string[];
  replacedBy: string | null;
  handle: string | null;
  domain: string | null;
}

export interface TokenRow {
  tokenKey: string | null;
  team: string | null;
  id: string | null;
  createdAt: Date | null;
  idp: string | null;
  description: string | null;
  name: string | null;
}

/**
 * All spar tables of one in-memory "keyspace". The twins share one instance, as the Cassandra
 * adapters share a keyspace (IdP deletion also removes its default_idp row, for instance).
 */
export class MemorySparTables {
  readonly authreq = new Map<string, Expiring<{ idpIssuer: string; endOfLife: Date }>>();
  readonly verdict = new Map<string, Expiring<{ con: number; success: string | null; error: string | null; label: string | null }>>();
  readonly authresp = new Map<string, Expiring<{ endOfLife: Date }>>();
  readonly idp = new Map<string, IdpRow>();
  /** issuer -> team -> idp */
  readonly issuerIdpV2: Partitioned<string>;
  /** legacy: issuer -> idp */
  readonly issuerIdp = new Map<string, string>();
  /** team -> idp -> true */
  readonly teamIdp: Partitioned<true>;
  readonly idpRawMetadata = new Map<string, string>();
  /** the 'default' partition: idp -> true */
  readonly defaultIdp: Partitioned<true>;
  /** issuer -> normalized NameID -> { ssoId, uid } */
  readonly userV2 = new Partitioned<{ ssoId: string; uid: string }>(compareText);
  /** legacy: issuer -> sso_id -> uid */
  readonly userLegacy = new Partitioned<string>(compareText);
  /** team -> external id -> { uid, creationStatus } */
  readonly scimExternal = new Partitioned<{ uid: string; creationStatus: number | null }>(compareText);
  readonly scimUserTimes = new Map<string, { createdAt: Date | null; lastUpdatedAt: Date | null }>();
  readonly tokenByToken = new Map<string, TokenRow>();
  /** team -> id -> row */
  readonly tokenByTeam: Partitioned<TokenRow>;

  constructor() {
    this.issuerIdpV2 = new Partitioned<string>(compareUuid);
    this.teamIdp = new Partitioned<true>(compareUuid);
    this.defaultIdp = new Partitioned<true>(compareUuid);
    this.tokenByTeam = new Partitioned<TokenRow>(compareUuid);
  }

  /** Test setup: a row of the legacy `user` table, which no store writes. */
  seedLegacyUser(issuer: string, ssoId: string, uid: string): void {
    this.userLegacy.put(issuer, ssoId, uid.toLowerCase());
  }

  /** Test setup: a row of the legacy `issuer_idp` table, which no store writes. */
  seedLegacyIssuer(issuer: string, idp: string): void {
    this.issuerIdp.set(issuer, idp.toLowerCase());
  }

  /** Test setup: a token stored under its plaintext, as very old spar versions did. */
  seedPlaintextToken(row: Required<{ [K in keyof TokenRow]: TokenRow[K] }>): void {
    this.tokenByToken.set(row.tokenKey!, { ...row });
    this.tokenByTeam.put(row.team!, row.id!, { ...row });
  }
}
