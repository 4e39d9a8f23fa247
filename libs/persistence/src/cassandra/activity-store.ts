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
import { type ActivityStore, BUCKET_TTL_MARGIN_SECONDS, activityBucket } from '../ports/activity-store';
import { checkTtl } from '../ports/ttl';
import type { CassandraDb } from './db';
import { uuidText } from './store-helpers';

/** How long after writing a bucket row this process relies on it: well within the row's TTL margin. */
export const BUCKET_ROW_REUSE_MS = 3_600_000;
/** Bucket rows remembered at most (then forgotten all at once, and written again). */
const BUCKET_ROWS_REMEMBERED = 10_000;

const COLUMNS = 'id, kind, outcome, actor_type, actor_id, actor_name, subject_type, subject_id, subject_name, idp, reason, detail';

/** `brig.team_activity` (one partition per team and hour) and `brig.team_activity_bucket` (the hours that hold events). */
export class CassandraActivityStore implements ActivityStore {
  private readonly ks: string;
  /**
   * The bucket rows this process wrote, and when (`now()`, ms): within BUCKET_ROW_REUSE_MS of a
   * successful write the row is not written again (docs/decisions.md, "A cheaper create and PATCH").
   * The row's TTL exceeds its events' by BUCKET_TTL_MARGIN_SECONDS (2 h), so an event written less
   * than an hour after the row still expires before it.
   */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly db: CassandraDb,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ks = db.config.keyspaces.brig;
  }

  async insert(team: TeamId, e: ActivityEvent, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    const bucket = activityBucket(e.at);
    const key = `${team}/${bucket.getTime()}/${ttlSeconds}`;
    const at = this.written.get(key);
    const bucketRow = at === undefined || this.now() - at >= BUCKET_ROW_REUSE_MS;
    // Two plain upserts keyed by the event's timeuuid: safe to retry, and no batch across partitions.
    const started = this.now();
    await Promise.all([
      this.db.execute(
        'team_activity.insert',
        `INSERT INTO ${this.ks}.team_activity (team, bucket, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
        [
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
        { idempotent: true },
      ),
      bucketRow
        ? this.db
            .execute(
              'team_activity_bucket.insert',
              `INSERT INTO ${this.ks}.team_activity_bucket (team, bucket) VALUES (?, ?) USING TTL ?`,
              [team, bucket, ttlSeconds + BUCKET_TTL_MARGIN_SECONDS],
              { idempotent: true },
            )
            .then(() => this.remember(key, started))
        : undefined,
    ]);
  }

  private remember(key: string, at: number): void {
    // Bounded: the current hour's rows of the teams that write (old hours age out with the clear).
    if (this.written.size >= BUCKET_ROWS_REMEMBERED) this.written.clear();
    this.written.set(key, at);
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
