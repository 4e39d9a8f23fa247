import { type Clock, type OutgoingMail, checkOutgoingMail, systemClock } from '@sso/domain';
import { randomUUID } from 'node:crypto';
import { type MailOutboxStore, type QueuedMail, outboxBucket } from '../ports/mail-outbox';

const copy = (q: QueuedMail): QueuedMail => ({ ...q, mail: { ...q.mail } });

/** The twin of `brig.mail_outbox` and its bucket index; each method is atomic, as the LWTs are. */
export class MemoryMailOutboxStore implements MailOutboxStore {
  private readonly index = new Set<number>();
  /** Per bucket, in enqueue order (Cassandra orders by the timeuuid). */
  private readonly rows = new Map<number, Map<string, QueuedMail>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async enqueue(mail: OutgoingMail): Promise<string> {
    const m = checkOutgoingMail(mail);
    const now = this.clock.now();
    const bucket = outboxBucket(now);
    const id = randomUUID();
    this.index.add(bucket);
    if (!this.rows.has(bucket)) this.rows.set(bucket, new Map());
    this.rows.get(bucket)!.set(id, {
      bucket,
      id,
      mail: { ...m, userName: m.userName ?? null },
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseOwner: null,
      leaseUntil: now,
      lastError: null,
    });
    return id;
  }

  async buckets(limit: number): Promise<number[]> {
    return [...this.index].sort((a, b) => a - b).slice(0, limit);
  }

  async inBucket(bucket: number, limit: number): Promise<QueuedMail[]> {
    return [...(this.rows.get(bucket)?.values() ?? [])].slice(0, limit).map(copy);
  }

  async dropBucket(bucket: number): Promise<void> {
    this.index.delete(bucket);
  }

  async claim(q: QueuedMail, owner: string, until: Date): Promise<boolean> {
    const row = this.rows.get(q.bucket)?.get(q.id);
    if (!row || row.leaseUntil.getTime() !== q.leaseUntil.getTime()) return false;
    row.leaseOwner = owner;
    row.leaseUntil = until;
    return true;
  }

  async remove(q: QueuedMail, owner: string): Promise<boolean> {
    const rows = this.rows.get(q.bucket);
    const row = rows?.get(q.id);
    if (!row || row.leaseOwner !== owner) return false;
    rows!.delete(q.id);
    return true;
  }

  async retryLater(q: QueuedMail, owner: string, next: { attempts: number; at: Date; error: string }): Promise<boolean> {
    const row = this.rows.get(q.bucket)?.get(q.id);
    if (!row || row.leaseOwner !== owner) return false;
    Object.assign(row, {
      attempts: next.attempts,
      nextAttemptAt: next.at,
      leaseUntil: next.at,
      lastError: next.error.slice(0, 1000),
      leaseOwner: null,
    });
    return true;
  }
}
