import { type ActivityEvent, type Clock, type TeamId, compareTimeUuid, systemClock, timeUuidDate } from '@sso/domain';
import { type ActivityStore, BUCKET_TTL_MARGIN_SECONDS, activityBatchBucket, activityBucket } from '../ports/activity-store';
import { checkTtl } from '../ports/ttl';
import { lc } from './ids';

interface Row {
  event: ActivityEvent;
  bucket: number;
  expires: number;
}

// As the Cassandra adapter does, `at` is read back from the timeuuid.
const copy = (e: ActivityEvent): ActivityEvent => ({ ...structuredClone(e), at: timeUuidDate(e.id) });

/** The twin of `brig.team_activity` and `team_activity_bucket`; rows expire by the clock as TTLs do. */
export class MemoryActivityStore implements ActivityStore {
  private readonly rows = new Map<string, Row[]>();
  private readonly bucketRows = new Map<string, Map<number, number>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async insert(team: TeamId, event: ActivityEvent, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    this.put(team, event, ttlSeconds);
  }

  async insertMany(team: TeamId, events: readonly ActivityEvent[], ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    if (events.length === 0) return;
    activityBatchBucket(events);
    // All or nothing, as the one mutation of the Cassandra batch: nothing below can fail.
    for (const e of events) this.put(team, e, ttlSeconds);
  }

  private put(team: TeamId, event: ActivityEvent, ttlSeconds: number): void {
    const now = this.clock.now().getTime();
    const bucket = activityBucket(event.at).getTime();
    // Expired rows go as the team writes, so a long-running twin does not keep them.
    const list = (this.rows.get(lc(team)) ?? []).filter((r) => r.expires > now);
    const at = list.findIndex((r) => r.event.id === event.id);
    const row = { event: copy(event), bucket, expires: now + ttlSeconds * 1000 };
    if (at >= 0) list[at] = row;
    else list.push(row);
    this.rows.set(lc(team), list);
    const buckets = this.bucketRows.get(lc(team)) ?? new Map<number, number>();
    buckets.set(bucket, now + (ttlSeconds + BUCKET_TTL_MARGIN_SECONDS) * 1000);
    this.bucketRows.set(lc(team), buckets);
  }

  async buckets(team: TeamId, atOrBefore: Date | null, limit: number): Promise<Date[]> {
    const now = this.clock.now().getTime();
    return [...(this.bucketRows.get(lc(team)) ?? new Map<number, number>()).entries()]
      .filter(([b, expires]) => expires > now && (atOrBefore === null || b <= atOrBefore.getTime()))
      .map(([b]) => b)
      .sort((x, y) => y - x)
      .slice(0, limit)
      .map((b) => new Date(b));
  }

  async events(team: TeamId, bucket: Date, beforeId: string | null, limit: number): Promise<ActivityEvent[]> {
    const now = this.clock.now().getTime();
    return (this.rows.get(lc(team)) ?? [])
      .filter((r) => r.expires > now && r.bucket === bucket.getTime() && (beforeId === null || compareTimeUuid(r.event.id, beforeId) < 0))
      .sort((x, y) => compareTimeUuid(y.event.id, x.event.id))
      .slice(0, limit)
      .map((r) => copy(r.event));
  }
}
