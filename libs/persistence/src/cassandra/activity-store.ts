import {
  type ActivityEvent,
  type ActivityKind,
  type ActivityOutcome,
  type ActorType,
  type SubjectType,
  type TeamId,
  timeUuidDate,
} from '@sso/domain';
import type { types } from 'cassandra-driver';
import { type ActivityStore, BUCKET_TTL_MARGIN_SECONDS, activityBatchBucket, activityBucket } from '../ports/activity-store';
import { checkTtl } from '../ports/ttl';
import type { CassandraDb } from './db';
import { uuidText } from './store-helpers';

const COLUMNS = 'id, kind, outcome, actor_type, actor_id, actor_name, subject_type, subject_id, subject_name, idp, reason, detail';

/**
 * How long a bucket row this process wrote stands for later events of the same team, hour and TTL.
 * The row lives BUCKET_TTL_MARGIN_SECONDS (2 h) longer than the TTL from its write, so an event
 * written up to this long after it (TTL measured from its own write) still expires first, with an
 * hour to spare, which is the margin's own reason (docs/decisions.md, "Login cost: the cuts").
 */
export const BUCKET_REWRITE_MS = 3_600_000;
/** (team, hour, TTL) entries remembered at most; the oldest go first. */
const BUCKETS_REMEMBERED = 10_000;

/** `brig.team_activity` (one partition per team and hour) and `brig.team_activity_bucket` (the hours that hold events). */
export class CassandraActivityStore implements ActivityStore {
  private readonly ks: string;
  /** Bucket rows this process has written, by `team|hour|ttl`: when (ms, `now`). */
  private readonly bucketsWritten = new Map<string, number>();

  constructor(
    private readonly db: CassandraDb,
    /** A monotonic clock in ms: a wall clock set back must not stretch the window. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ks = db.config.keyspaces.brig;
  }

  /**
   * The hour's row in `team_activity_bucket`, unless this process wrote it less than an hour ago:
   * every login and SCIM write records an event, and rewriting the same row each time was one
   * statement in eight of a login. Remembered only once written, so a failed write is tried again.
   */
  private async insertBucket(team: TeamId, bucket: Date, ttlSeconds: number): Promise<void> {
    const key = `${team.toLowerCase()}|${bucket.getTime()}|${ttlSeconds}`;
    const at = this.now();
    const written = this.bucketsWritten.get(key);
    if (written !== undefined && at - written >= 0 && at - written < BUCKET_REWRITE_MS) return;
    await this.db.execute(
      'team_activity_bucket.insert',
      `INSERT INTO ${this.ks}.team_activity_bucket (team, bucket) VALUES (?, ?) USING TTL ?`,
      [team, bucket, ttlSeconds + BUCKET_TTL_MARGIN_SECONDS],
      { idempotent: true },
    );
    // Re-inserted so that the Map's order stays the order of writes: the oldest is evicted first.
    this.bucketsWritten.delete(key);
    this.bucketsWritten.set(key, at);
    if (this.bucketsWritten.size > BUCKETS_REMEMBERED) this.bucketsWritten.delete(this.bucketsWritten.keys().next().value as string);
  }

  private insertQuery(team: TeamId, bucket: Date, e: ActivityEvent, ttlSeconds: number): { query: string; params: unknown[] } {
    return {
      query: `INSERT INTO ${this.ks}.team_activity (team, bucket, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
      params: [
        team,
        bucket,
        e.id,
        e.kind,
        e.outcome,
        e.actor.type,
        e.actor.id ?? null,
        e.actor.name ?? null,
        e.subject?.type ?? null,
        e.subject?.id ?? null,
        e.subject?.name ?? null,
        e.idp ?? null,
        e.reason ?? null,
        e.detail,
        ttlSeconds,
      ],
    };
  }

  async insert(team: TeamId, e: ActivityEvent, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    const bucket = activityBucket(e.at);
    const { query, params } = this.insertQuery(team, bucket, e, ttlSeconds);
    // Two plain upserts keyed by the event's timeuuid: safe to retry, and no batch across partitions.
    await Promise.all([
      this.db.execute('team_activity.insert', query, params, { idempotent: true }),
      this.insertBucket(team, bucket, ttlSeconds),
    ]);
  }

  /**
   * The events of one hour in one unlogged batch of `team_activity.insert`: all rows are in the
   * partition (team, bucket), so Cassandra applies the batch as one mutation, without the batch
   * log. Upserts keyed by timeuuids: safe to retry. The bucket row as for `insert`.
   */
  async insertMany(team: TeamId, events: readonly ActivityEvent[], ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    if (events.length === 0) return;
    const bucket = activityBatchBucket(events);
    if (events.length === 1) return this.insert(team, events[0]!, ttlSeconds);
    await Promise.all([
      this.db.batch(
        'team_activity.insert_batch',
        events.map((e) => this.insertQuery(team, bucket, e, ttlSeconds)),
        { logged: false },
      ),
      this.insertBucket(team, bucket, ttlSeconds),
    ]);
  }

  async buckets(team: TeamId, atOrBefore: Date | null, limit: number): Promise<Date[]> {
    const rs =
      atOrBefore === null
        ? await this.db.execute(
            'team_activity_bucket.list',
            `SELECT bucket FROM ${this.ks}.team_activity_bucket WHERE team = ? LIMIT ?`,
            [team, limit],
            { idempotent: true },
          )
        : await this.db.execute(
            'team_activity_bucket.list_from',
            `SELECT bucket FROM ${this.ks}.team_activity_bucket WHERE team = ? AND bucket <= ? LIMIT ?`,
            [team, atOrBefore, limit],
            { idempotent: true },
          );
    return rs.rows.map((r) => r.bucket as Date);
  }

  async events(team: TeamId, bucket: Date, beforeId: string | null, limit: number): Promise<ActivityEvent[]> {
    const rs =
      beforeId === null
        ? await this.db.execute(
            'team_activity.page',
            `SELECT ${COLUMNS} FROM ${this.ks}.team_activity WHERE team = ? AND bucket = ? LIMIT ?`,
            [team, bucket, limit],
            { idempotent: true },
          )
        : await this.db.execute(
            'team_activity.page_from',
            `SELECT ${COLUMNS} FROM ${this.ks}.team_activity WHERE team = ? AND bucket = ? AND id < ? LIMIT ?`,
            [team, bucket, beforeId, limit],
            { idempotent: true },
          );
    return rs.rows.map(fromRow);
  }
}

function fromRow(row: types.Row): ActivityEvent {
  const id = uuidText<string>(row.id);
  const opt = (v: unknown): string | undefined => (v == null ? undefined : String(v));
  const e: ActivityEvent = {
    id,
    at: timeUuidDate(id),
    kind: row.kind as ActivityKind,
    outcome: row.outcome as ActivityOutcome,
    actor: { type: row.actor_type as ActorType },
    detail: row.detail as string,
  };
  if (row.actor_id != null) e.actor.id = String(row.actor_id);
  if (row.actor_name != null) e.actor.name = String(row.actor_name);
  if (row.subject_type != null) {
    e.subject = { type: row.subject_type as SubjectType };
    if (row.subject_id != null) e.subject.id = String(row.subject_id);
    if (row.subject_name != null) e.subject.name = String(row.subject_name);
  }
  const idp = opt(row.idp);
  if (idp !== undefined) e.idp = idp.toLowerCase();
  if (row.reason != null) e.reason = String(row.reason);
  return e;
}
