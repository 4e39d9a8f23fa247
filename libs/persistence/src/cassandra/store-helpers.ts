import type { types } from 'cassandra-driver';
import { type Page, type PageRequest, InvalidCursorError, decodeCursor, encodeCursor, pageSize } from '../ports/paging';
import type { CassandraDb } from './db';

type Row = types.Row;

/**
 * A uuid column as its lowercase string (the driver returns `types.Uuid`). The cast to a branded id
 * proves nothing and needs not: the column is a uuid, written by our own stores from branded ids.
 */
export function uuidText<T extends string>(v: unknown): T {
  return String(v).toLowerCase() as T;
}

export function uuidOrNull<T extends string>(v: unknown): T | null {
  return v == null ? null : uuidText<T>(v);
}

/** Partition keys per `IN ?` query: one coordinator fans each out, so keep the lists short. */
export const IN_CHUNK = 100;

/**
 * Bytes of parameters a batch of this code base carries at most: under Cassandra's batch size
 * warning (`batch_size_warn_threshold`, 5 KiB by default; refused at 50 KiB).
 */
export const BATCH_BYTES_MAX = 4096;

/** `items` in consecutive chunks of at most IN_CHUNK (none for an empty list). */
function inChunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

/**
 * The rows of a multi-partition read, `... WHERE <partition key> IN ?`: the keys go in chunks of
 * at most IN_CHUNK (an IN over partition keys fans out from one coordinator, so each list stays
 * short), the chunks run in parallel, and every row is mapped; rows `map` turns into null are
 * dropped. `params(chunk)` binds one chunk (the IN list where the statement wants it). No keys, no
 * query. Rows come back in no particular order: callers that promise one order it themselves.
 */
export async function selectIn<K, T>(
  db: CassandraDb,
  name: string,
  cql: string,
  keys: readonly K[],
  params: (chunk: K[]) => unknown[],
  map: (row: Row) => T | null,
): Promise<T[]> {
  const results = await Promise.all(inChunks(keys).map((chunk) => db.execute(name, cql, params(chunk), { idempotent: true })));
  const out: T[] = [];
  for (const rs of results) {
    for (const row of rs.rows) {
      const item = map(row);
      if (item !== null) out.push(item);
    }
  }
  return out;
}

/**
 * Runs one page of a single-partition SELECT. The driver's paging state (hex) travels inside a
 * cursor bound to `scope`; a foreign or mangled cursor is an InvalidCursorError, never a silent
 * restart from the first row.
 */
export async function selectPage<T>(
  db: CassandraDb,
  name: string,
  cql: string,
  params: unknown[],
  scope: string,
  req: PageRequest | undefined,
  map: (row: Row) => T | null,
): Promise<Page<T>> {
  const fetchSize = pageSize(req);
  const pageState = decodeCursor(scope, req?.cursor);
  if (pageState !== null && !/^(?:[0-9a-f]{2})+$/.test(pageState)) throw new InvalidCursorError();
  let rs: types.ResultSet;
  try {
    rs = await db.execute(name, cql, params, { idempotent: true, fetchSize, pageState: pageState ?? undefined });
  } catch (err) {
    // Cassandra answers a paging state it cannot decode with an Invalid (0x2200) or protocol error.
    if (pageState !== null && isRejectedPagingState(err)) throw new InvalidCursorError();
    throw err;
  }
  const items: T[] = [];
  for (const row of rs.rows) {
    const item = map(row);
    if (item !== null) items.push(item);
  }
  return { items, cursor: rs.pageState ? encodeCursor(scope, rs.pageState) : null };
}

function isRejectedPagingState(err: unknown): boolean {
  const code = (err as { code?: number }).code;
  return code === 0x2200 || code === 0x000a || /paging state/i.test(String((err as Error).message));
}

/** The [applied] column of a lightweight transaction's answer. */
export function applied(rs: types.ResultSet): boolean {
  return rs.wasApplied();
}
