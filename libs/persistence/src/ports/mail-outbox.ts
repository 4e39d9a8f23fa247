import type { OutgoingMail } from '@sso/domain';

/**
 * Where use cases put mail: one write, and the request goes on. The outbox worker (libs/mail) sends
 * it later, so a slow or broken SMTP server never slows a request, and a crash after the write
 * loses nothing (the row stays until sent or given up).
 */
export interface MailOutbox {
  /** Queues the mail (it is checked first: `checkOutgoingMail`) and returns its outbox id. */
  enqueue(mail: OutgoingMail): Promise<string>;
}

/** A queued mail as the worker sees it. */
export interface QueuedMail {
  /** The hour bucket (hours since the epoch at enqueue time): the row's partition. */
  bucket: number;
  id: string;
  mail: OutgoingMail;
  createdAt: Date;
  /** Failed sends so far. */
  attempts: number;
  /** Not before this time (the backoff after a failure). */
  nextAttemptAt: Date;
  /** Who holds the send lease, if anyone. */
  leaseOwner: string | null;
  /** The lease (or the backoff) runs until then; a claim compares it with what it read. */
  leaseUntil: Date;
  lastError: string | null;
}

/**
 * Tables `brig.mail_outbox` and `brig.mail_outbox_bucket` (docs/data-model.md, "Mail outbox").
 * Rows live in hour buckets; the bucket index lists the buckets that may still hold mail, so the
 * worker reads a few small partitions and never scans.
 */
export interface MailOutboxStore extends MailOutbox {
  /** The buckets that may hold mail, oldest first (at most `limit`). */
  buckets(limit: number): Promise<number[]>;
  /** Up to `limit` rows of one bucket, oldest first. */
  inBucket(bucket: number, limit: number): Promise<QueuedMail[]>;
  /** Forgets an empty bucket (only call it for buckets whose hour is over). */
  dropBucket(bucket: number): Promise<void>;
  /**
   * Takes the send lease: applied only if the row still exists and its lease is what the caller
   * read (`q.leaseUntil`), so of several workers that read the row one wins.
   */
  claim(q: QueuedMail, owner: string, until: Date): Promise<boolean>;
  /** Sent (or given up): the row goes, if `owner` still holds it. */
  remove(q: QueuedMail, owner: string): Promise<boolean>;
  /** A failed send: counts it, sets the backoff, releases the lease (if `owner` still holds it). */
  retryLater(q: QueuedMail, owner: string, next: { attempts: number; at: Date; error: string }): Promise<boolean>;
}

/** The hour bucket of a time. */
export const outboxBucket = (t: Date): number => Math.floor(t.getTime() / 3_600_000);
