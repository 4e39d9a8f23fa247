import { type Clock, type MailKind, type OutgoingMail, type TeamId, checkOutgoingMail, systemClock } from '@sso/domain';
import { types } from 'cassandra-driver';
import { type MailOutboxStore, type QueuedMail, outboxBucket } from '../ports/mail-outbox';
import type { CassandraDb } from './db';
import { uuidText } from './store-helpers';

/** The partition of the bucket index the apps use (the index holds a few rows per day). */
export const MAIL_QUEUE = 'mail';
const COLUMNS =
  'bucket, id, kind, recipient, team, team_name, locale, link, user_name, created, attempts, next_attempt, lease_owner, lease_until, last_error';

/**
 * `brig.mail_outbox` + `brig.mail_outbox_bucket`. After the enqueue (a logged batch of two plain
 * inserts of a fresh row), every write to a row is a lightweight transaction, so claims, retries
 * and removal by several workers are serialised by Paxos.
 */
export class CassandraMailOutboxStore implements MailOutboxStore {
  private readonly ks: string;

  /** `queue` names the index partition: the apps use MAIL_QUEUE; tests a queue of their own, so their workers see only their mail. */
  constructor(
    private readonly db: CassandraDb,
    private readonly clock: Clock = systemClock,
    private readonly queue: string = MAIL_QUEUE,
  ) {
    this.ks = db.config.keyspaces.brig;
  }

  async enqueue(mail: OutgoingMail): Promise<string> {
    const m = checkOutgoingMail(mail);
    const now = this.clock.now();
    const bucket = outboxBucket(now);
    const id = types.TimeUuid.fromDate(now);
    await this.db.batch('mail_outbox.enqueue', [
      {
        query: `INSERT INTO ${this.ks}.mail_outbox_bucket (queue, bucket) VALUES (?, ?)`,
        params: [this.queue, types.Long.fromNumber(bucket)],
      },
      {
        query: `INSERT INTO ${this.ks}.mail_outbox (bucket, id, kind, recipient, team, team_name, locale, link, user_name, created, attempts, next_attempt, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        params: [types.Long.fromNumber(bucket), id, m.kind, m.to, m.team, m.teamName, m.locale, m.link, m.userName ?? null, now, now, now],
      },
    ]);
    return id.toString();
  }

  async buckets(limit: number): Promise<number[]> {
    const rs = await this.db.execute(
      'mail_outbox_bucket.list',
      `SELECT bucket FROM ${this.ks}.mail_outbox_bucket WHERE queue = ? LIMIT ?`,
      [this.queue, limit],
      { idempotent: true },
    );
    return rs.rows.map((r) => Number(r.bucket));
  }

  async inBucket(bucket: number, limit: number): Promise<QueuedMail[]> {
    const rs = await this.db.execute(
      'mail_outbox.bucket',
      `SELECT ${COLUMNS} FROM ${this.ks}.mail_outbox WHERE bucket = ? LIMIT ?`,
      [types.Long.fromNumber(bucket), limit],
      { idempotent: true },
    );
    return rs.rows.filter((r) => r.kind != null && r.lease_until != null).map(fromRow);
  }

  async dropBucket(bucket: number): Promise<void> {
    await this.db.execute(
      'mail_outbox_bucket.drop',
      `DELETE FROM ${this.ks}.mail_outbox_bucket WHERE queue = ? AND bucket = ?`,
      [this.queue, types.Long.fromNumber(bucket)],
      { idempotent: true },
    );
  }

  async claim(q: QueuedMail, owner: string, until: Date): Promise<boolean> {
    const rs = await this.db.execute(
      'mail_outbox.claim',
      `UPDATE ${this.ks}.mail_outbox SET lease_owner = ?, lease_until = ? WHERE bucket = ? AND id = ? IF lease_until = ?`,
      [owner, until, types.Long.fromNumber(q.bucket), q.id, q.leaseUntil],
    );
    return rs.wasApplied();
  }

  async remove(q: QueuedMail, owner: string): Promise<boolean> {
    const rs = await this.db.execute(
      'mail_outbox.remove',
      `DELETE FROM ${this.ks}.mail_outbox WHERE bucket = ? AND id = ? IF lease_owner = ?`,
      [types.Long.fromNumber(q.bucket), q.id, owner],
    );
    return rs.wasApplied();
  }

  async retryLater(q: QueuedMail, owner: string, next: { attempts: number; at: Date; error: string }): Promise<boolean> {
    const rs = await this.db.execute(
      'mail_outbox.retry',
      `UPDATE ${this.ks}.mail_outbox SET attempts = ?, next_attempt = ?, lease_until = ?, last_error = ?, lease_owner = null WHERE bucket = ? AND id = ? IF lease_owner = ?`,
      [next.attempts, next.at, next.at, next.error.slice(0, 1000), types.Long.fromNumber(q.bucket), q.id, owner],
    );
    return rs.wasApplied();
  }
}

function fromRow(r: types.Row): QueuedMail {
  return {
    bucket: Number(r.bucket),
    id: String(r.id),
    mail: {
      kind: r.kind as MailKind,
      to: r.recipient as string,
      team: uuidText<TeamId>(r.team),
      teamName: (r.team_name as string | null) ?? '',
      locale: (r.locale as string | null) ?? 'en',
      link: r.link as string,
      userName: (r.user_name as string | null) ?? null,
    },
    createdAt: r.created as Date,
    attempts: (r.attempts as number | null) ?? 0,
    nextAttemptAt: (r.next_attempt as Date | null) ?? (r.created as Date),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseUntil: r.lease_until as Date,
    lastError: (r.last_error as string | null) ?? null,
  };
}
