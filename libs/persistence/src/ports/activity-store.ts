import type { ActivityEvent, TeamId } from '@sso/domain';

/**
 * Tables `brig.team_activity` and `brig.team_activity_bucket` (ours; docs/data-model.md,
 * "team_activity"). A team's events are split into one partition per hour (the bucket), so no
 * partition grows without bound; the bucket table lists the hours that hold events, newest first,
 * so a reader never probes empty hours. Every row carries the TTL it was written with.
 */
export interface ActivityStore {
  /**
   * Writes the event into its hour's partition and marks the hour in the bucket table, both with
   * `ttlSeconds` (the bucket row a little longer, so it outlives the hour's last event).
   */
  insert(team: TeamId, event: ActivityEvent, ttlSeconds: number): Promise<void>;
  /**
   * Writes several events of one team and ONE hour (one partition) as `insert` does each, in one
   * statement: on Cassandra an unlogged single-partition batch, applied as one mutation. At most
   * ACTIVITY_BATCH_MAX events; events of different hours are refused (RangeError), never batched
   * across partitions: the caller splits them. No events: nothing is written.
   */
  insertMany(team: TeamId, events: readonly ActivityEvent[], ttlSeconds: number): Promise<void>;
  /** The team's hours that hold events, newest first, starting at `atOrBefore` (inclusive) when given. */
  buckets(team: TeamId, atOrBefore: Date | null, limit: number): Promise<Date[]>;
  /** One hour's events, newest first, strictly older than the event `beforeId` when given. */
  events(team: TeamId, bucket: Date, beforeId: string | null, limit: number): Promise<ActivityEvent[]>;
}

/** The hour an event at `at` belongs to. */
export function activityBucket(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}

/** How much longer than its events a bucket row lives: the hour itself, and a margin. */
export const BUCKET_TTL_MARGIN_SECONDS = 2 * 3600;

/** Events written by one `insertMany` at most (one partition; docs/decisions.md, "Activity events written in single-partition batches"). */
export const ACTIVITY_BATCH_MAX = 50;

/** The hour all `events` belong to; RangeError if they span several hours or are more than ACTIVITY_BATCH_MAX. */
export function activityBatchBucket(events: readonly ActivityEvent[]): Date {
  if (events.length === 0 || events.length > ACTIVITY_BATCH_MAX) {
    throw new RangeError(`an activity batch holds 1 to ${ACTIVITY_BATCH_MAX} events, not ${events.length}`);
  }
  const bucket = activityBucket(events[0]!.at);
  if (events.some((e) => activityBucket(e.at).getTime() !== bucket.getTime())) {
    throw new RangeError('an activity batch holds events of one hour only (one partition)');
  }
  return bucket;
}
