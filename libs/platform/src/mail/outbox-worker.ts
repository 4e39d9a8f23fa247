import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '@sso/domain';
import { type MailOutboxStore, type QueuedMail, outboxBucket } from '@sso/persistence';
import type { Mailer } from './mailer';
import { renderMail } from './templates';

export interface OutboxWorkerOptions {
  maxAttempts: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  leaseSeconds: number;
  /** Buckets read per round, and rows read per bucket. */
  buckets?: number;
  rowsPerBucket?: number;
}

/** What one round did. */
export interface OutboxRound {
  sent: number;
  failed: number;
  givenUp: number;
  /** Rows leased by another worker or waiting for their backoff. */
  waiting: number;
}

/** Counters the worker bumps (prom-client counters in the app; plain objects in tests). */
export interface OutboxCounters {
  sent(kind: string): void;
  failed(kind: string): void;
  givenUp(kind: string): void;
}

const noCounters: OutboxCounters = { sent: () => {}, failed: () => {}, givenUp: () => {} };

/** Seconds to wait after the n-th failed send (n >= 1): base, 2 base, 4 base, ... up to max. */
export function backoffSeconds(failures: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

/**
 * Sends what the outbox holds. A round reads the bucket index and each listed bucket (bounded
 * reads), takes each due row with a lease (a lightweight transaction, so of several replicas one
 * sends it), sends it, and deletes it; a failed send is retried with exponential backoff and given
 * up after `maxAttempts`. A crash at any point loses no mail: the row stays until it is deleted, and
 * a lapsed lease lets another round take it. Logs name the mail by id, kind and team, never by its
 * link or address.
 */
export class OutboxWorker {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly store: MailOutboxStore,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: OutboxWorkerOptions,
    private readonly counters: OutboxCounters = noCounters,
  ) {}

  async runOnce(): Promise<OutboxRound> {
    const round: OutboxRound = { sent: 0, failed: 0, givenUp: 0, waiting: 0 };
    const current = outboxBucket(this.clock.now());
    for (const bucket of await this.store.buckets(this.opts.buckets ?? 50)) {
      const rows = await this.store.inBucket(bucket, this.opts.rowsPerBucket ?? 100);
      // An hour that is over (with an hour to spare for clocks) gets no new rows: forget it once empty.
      if (rows.length === 0 && bucket < current - 1) await this.store.dropBucket(bucket);
      for (const row of rows) await this.handle(row, round);
    }
    return round;
  }

  private async handle(row: QueuedMail, round: OutboxRound): Promise<void> {
    const now = this.clock.now();
    if (row.leaseUntil.getTime() > now.getTime()) {
      round.waiting++;
      return;
    }
    const until = new Date(now.getTime() + this.opts.leaseSeconds * 1000);
    if (!(await this.store.claim(row, this.owner, until))) {
      round.waiting++;
      return;
    }
    const about = { mail: row.id, kind: row.mail.kind, team: row.mail.team, attempt: row.attempts + 1 };
    try {
      await this.mailer.send({ to: row.mail.to, ...renderMail(row.mail) });
    } catch (e) {
      await this.failed(row, e as Error, about, round);
      return;
    }
    await this.store.remove(row, this.owner);
    round.sent++;
    this.counters.sent(row.mail.kind);
    this.log.info(about, 'mail sent');
  }

  private async failed(row: QueuedMail, e: Error, about: Record<string, unknown>, round: OutboxRound): Promise<void> {
    const attempts = row.attempts + 1;
    const error = { message: e.message, code: (e as { code?: string }).code, responseCode: (e as { responseCode?: number }).responseCode };
    if (attempts >= this.opts.maxAttempts) {
      await this.store.remove(row, this.owner);
      round.givenUp++;
      this.counters.givenUp(row.mail.kind);
      this.log.error({ ...about, error }, 'mail given up after the last attempt');
      return;
    }
    const wait = backoffSeconds(attempts, this.opts.backoffBaseSeconds, this.opts.backoffMaxSeconds);
    const at = new Date(this.clock.now().getTime() + wait * 1000);
    await this.store.retryLater(row, this.owner, { attempts, at, error: e.message });
    round.failed++;
    this.counters.failed(row.mail.kind);
    this.log.warn({ ...about, error, retryInSeconds: wait }, 'mail not sent; will retry');
  }
}
