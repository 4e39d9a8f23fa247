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
