import { type ActivityEvent, type ActivityKind, type ActivityOutcome, type TeamId, isTimeUuid } from '@sso/domain';
import type { ActivityStore } from './ports/activity-store';
import { InvalidCursorError } from './ports/paging';

/** What a reader may ask for; every field narrows the answer. */
export interface ActivityFilter {
  kinds?: readonly ActivityKind[];
  outcome?: ActivityOutcome;
  /** The actor's id, exactly (a token, user or IdP id; case-insensitive). */
  actor?: string;
  /** The subject's id exactly, or a part of its name (case-insensitive): `bob` finds `bob@example.com`. */
  subject?: string;
}

export interface ActivityQuery {
  limit: number;
  cursor?: string | null;
  filter?: ActivityFilter;
}

export interface ActivityPage {
  events: ActivityEvent[];
  /** Where the next page starts; null when the log is known to be exhausted. */
  next: string | null;
}

/**
 * What one request may read, whatever the filters (docs/data-model.md, "team_activity"): one read
 * of the bucket list, at most MAX_BUCKETS hour partitions, and at most MAX_ROWS rows in pages of
 * at most FILTER_CHUNK. A filtered page that meets a bound before it is full is answered with the
 * events found so far and a cursor to go on from there.
 */
export const ACTIVITY_SCAN_LIMITS = { maxBuckets: 48, maxRows: 2000, filterChunk: 250 } as const;

const SCOPE = 'activity';

interface Position {
  bucket: number;
  /** Older than this event; null for the whole bucket. */
  before: string | null;
}

function encode(p: Position): string {
  return Buffer.from(JSON.stringify([SCOPE, p.bucket, p.before ?? '']), 'utf8').toString('base64url');
}

function decode(cursor: string | null | undefined): Position | null {
  if (cursor == null) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor: not a cursor of this listing');
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    v[0] !== SCOPE ||
    !Number.isSafeInteger(v[1]) ||
    (v[1] as number) < 0 ||
    (v[1] as number) % 3_600_000 !== 0 ||
    typeof v[2] !== 'string' ||
    (v[2] !== '' && !isTimeUuid(v[2]))
  ) {
    throw new InvalidCursorError('cursor: not a cursor of this listing');
  }
  return { bucket: v[1] as number, before: v[2] === '' ? null : (v[2] as string) };
}

/** Whether an event passes the filter. */
export function matchesActivity(e: ActivityEvent, f: ActivityFilter | undefined): boolean {
  if (!f) return true;
  if (f.kinds && f.kinds.length > 0 && !f.kinds.includes(e.kind)) return false;
  if (f.outcome && e.outcome !== f.outcome) return false;
  if (f.actor !== undefined && (e.actor.id ?? '').toLowerCase() !== f.actor.toLowerCase()) return false;
  if (f.subject !== undefined) {
    const q = f.subject.toLowerCase();
    const s = e.subject;
    if (!s) return false;
    if ((s.id ?? '').toLowerCase() !== q && !(s.name ?? '').toLowerCase().includes(q)) return false;
  }
  return true;
}

const filtered = (f: ActivityFilter | undefined) =>
  f !== undefined &&
  ((f.kinds !== undefined && f.kinds.length > 0) || f.outcome !== undefined || f.actor !== undefined || f.subject !== undefined);

/**
 * One page of a team's activity, newest first, over the two reads of ActivityStore. The same code
 * runs on Cassandra and on the memory twin, so both page and bound their work alike.
 */
export async function queryActivity(store: ActivityStore, team: TeamId, q: ActivityQuery): Promise<ActivityPage> {
  const { maxBuckets, maxRows, filterChunk } = ACTIVITY_SCAN_LIMITS;
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) throw new RangeError('limit must be an integer in [1, 1000]');
  const start = decode(q.cursor);
  const narrow = filtered(q.filter);
  const buckets = await store.buckets(team, start ? new Date(start.bucket) : null, maxBuckets + 1);
  const events: ActivityEvent[] = [];
  let scanned = 0;
  for (let b = 0; b < buckets.length; b++) {
    const bucket = buckets[b]!;
    let before = start && bucket.getTime() === start.bucket ? start.before : null;
    if (b === maxBuckets || scanned >= maxRows) return { events, next: encode({ bucket: bucket.getTime(), before }) };
    for (;;) {
      const want = narrow ? Math.min(filterChunk, maxRows - scanned) : q.limit - events.length;
      const rows = await store.events(team, bucket, before, want);
      scanned += rows.length;
      for (const row of rows) {
        if (!matchesActivity(row, q.filter)) continue;
        events.push(row);
        if (events.length === q.limit) return { events, next: encode({ bucket: bucket.getTime(), before: row.id }) };
      }
      if (rows.length < want) break;
      before = rows[rows.length - 1]!.id;
      if (scanned >= maxRows) return { events, next: encode({ bucket: bucket.getTime(), before }) };
    }
  }
  return { events, next: null };
}
