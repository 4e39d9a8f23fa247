/**
 * Paging shared by every port that lists a partition. A cursor is opaque to callers: the Cassandra
 * adapters wrap the driver's paging state, the twins the last clustering key. Both carry the scope
 * they were made for (table and partition), so a cursor handed to another listing is refused
 * instead of silently skipping rows. Sign cursors at the HTTP boundary before they leave the
 * service; here they are only tamper-evident, not tamper-proof.
 */
export interface PageRequest {
  /** Rows per page (Cassandra's fetchSize); default 100, at most 5000. */
  limit?: number;
  /** From the previous page; absent or null for the first. */
  cursor?: string | null;
}

/**
 * One page in clustering order. `cursor` is null when the listing is known to be exhausted. As in
 * Cassandra, a full page always carries a cursor, so the page after it may be empty.
 */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 5000;

export class InvalidCursorError extends Error {
  constructor(message = 'invalid or foreign paging cursor') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export function pageSize(req: PageRequest | undefined): number {
  const n = req?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new RangeError(`page limit must be an integer in [1, ${MAX_PAGE_SIZE}]`);
  return n;
}

/** Wraps a position (driver paging state or twin key) with the scope it belongs to. */
export function encodeCursor(scope: string, position: string): string {
  return Buffer.from(JSON.stringify([scope, position]), 'utf8').toString('base64url');
}

/** The position inside a cursor, or null for a first page; throws InvalidCursorError otherwise. */
export function decodeCursor(scope: string, cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== scope || typeof parsed[1] !== 'string' || parsed[1] === '') {
    throw new InvalidCursorError();
  }
  return parsed[1];
}
