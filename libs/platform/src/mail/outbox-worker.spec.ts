import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FakeClock, type OutgoingMail, newTeamId } from '@sso/domain';
import { MemoryMailOutboxStore, outboxBucket } from '@sso/persistence';
import type { MailMessage, Mailer } from './mailer';
import { OutboxWorker, backoffSeconds } from './outbox-worker';

const link = 'https://wire.example.com/password-reset/set?key=k&code=SECRET-CODE-123';
const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  kind: 'password-reset',
  to: 'ada@example.com',
  team: newTeamId(),
  teamName: 'Engines',
  locale: 'en',
  link,
  ...over,
});

/** A mailer that fails while `failing` is set, and records what it accepted. */
class ScriptedMailer implements Mailer {
  failing = 0;
  sent: MailMessage[] = [];
  async send(m: MailMessage): Promise<void> {
    if (this.failing > 0) {
      this.failing--;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNECTION' });
    }
    this.sent.push(m);
  }
  close(): void {}
}

function setup(opts: Partial<ConstructorParameters<typeof OutboxWorker>[4]> = {}) {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  const store = new MemoryMailOutboxStore(clock);
  const mailer = new ScriptedMailer();
  let logs = '';
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(c, _e, done) {
        logs += c.toString();
        done();
      },
    }),
  );
  const counts = { sent: 0, failed: 0, givenUp: 0 };
  const counters = { sent: () => counts.sent++, failed: () => counts.failed++, givenUp: () => counts.givenUp++ };
  const o = { maxAttempts: 4, backoffBaseSeconds: 30, backoffMaxSeconds: 100, leaseSeconds: 60, ...opts };
  const worker = new OutboxWorker(store, mailer, clock, log, o, counters);
  return { clock, store, mailer, worker, counts, logs: () => logs, log, o };
}

describe('OutboxWorker', () => {
  it('sends a queued mail once, rendered, and removes it', async () => {
    const { store, mailer, worker, counts } = setup();
    await store.enqueue(mail());
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0, givenUp: 0, waiting: 0 });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'ada@example.com', subject: 'Reset your Wire password for Engines', lang: 'en' });
    expect(mailer.sent[0]!.text).toContain(link);
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, givenUp: 0, waiting: 0 });
    expect(mailer.sent).toHaveLength(1);
    expect(counts.sent).toBe(1);
  });

  it('retries with exponential backoff by the clock, then sends', async () => {
    const { clock, store, mailer, worker, counts } = setup({ maxAttempts: 10 });
    await store.enqueue(mail());
    mailer.failing = 3;
    expect((await worker.runOnce()).failed).toBe(1);
    const row = async () => (await store.inBucket(outboxBucket(clock.now()), 10))[0]!;
    expect(await row()).toMatchObject({ attempts: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    // Not before 30 s.
    clock.advance(29_000);
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, givenUp: 0, waiting: 1 });
    clock.advance(1000);
    expect((await worker.runOnce()).failed).toBe(1);
    // Then 60 s, then 100 s (the cap).
    clock.advance(59_999);
    expect((await worker.runOnce()).waiting).toBe(1);
    clock.advance(1);
    expect((await worker.runOnce()).failed).toBe(1);
    expect((await row()).nextAttemptAt.getTime()).toBe(clock.now().getTime() + 100_000);
    clock.advance(100_000);
    expect((await worker.runOnce()).sent).toBe(1);
    expect(mailer.sent).toHaveLength(1);
    expect(counts).toEqual({ sent: 1, failed: 3, givenUp: 0 });
  });

  it('gives up after maxAttempts, logs and counts it, and the mail is gone', async () => {
    const { clock, store, mailer, worker, counts, logs } = setup({ maxAttempts: 3 });
    const id = await store.enqueue(mail());
    mailer.failing = 100;
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      clock.advance(3_600_000);
    }
    expect(counts).toEqual({ sent: 0, failed: 2, givenUp: 1 });
    expect(logs()).toContain('mail given up after the last attempt');
    expect(logs()).toContain(id);
    expect(await store.inBucket(outboxBucket(new Date('2026-12-04T10:00:00Z')), 10)).toEqual([]);
    mailer.failing = 0;
    await worker.runOnce();
    expect(mailer.sent).toEqual([]);
  });

  it('never logs the link, its code or the recipient', async () => {
    const { clock, store, mailer, worker, logs } = setup({ maxAttempts: 2 });
    await store.enqueue(mail());
    await store.enqueue(mail({ to: 'grace@example.com' }));
    mailer.failing = 1;
    await worker.runOnce();
    clock.advance(3_600_000);
    await worker.runOnce();
    expect(mailer.sent).toHaveLength(2);
    expect(logs()).not.toContain('SECRET-CODE-123');
    expect(logs()).not.toContain('example.com');
  });

  it('two workers on one outbox send each mail once', async () => {
    const a = setup();
    const b = new OutboxWorker(a.store, a.mailer, a.clock, a.log, a.o);
    for (let i = 0; i < 20; i++) await a.store.enqueue(mail({ to: `u${i}@example.com` }));
    await Promise.all([a.worker.runOnce(), b.runOnce()]);
    expect(a.mailer.sent.map((m) => m.to).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `u${i}@example.com`).sort());
  });

  it('a lapsed lease (a worker that crashed while sending) lets another worker send the mail', async () => {
    const { clock, store, mailer, worker } = setup({ leaseSeconds: 60 });
    await store.enqueue(mail());
    const [row] = await store.inBucket(outboxBucket(clock.now()), 10);
    expect(await store.claim(row!, 'crashed-worker', new Date(clock.now().getTime() + 60_000))).toBe(true);
    expect((await worker.runOnce()).waiting).toBe(1);
    clock.advance(60_001);
    expect((await worker.runOnce()).sent).toBe(1);
    expect(mailer.sent).toHaveLength(1);
  });

  it('forgets buckets whose hour is over once they are empty, never the current one', async () => {
    const { clock, store, worker } = setup();
    await store.enqueue(mail());
    const first = outboxBucket(clock.now());
    await worker.runOnce();
    expect(await store.buckets(10)).toEqual([first]);
    clock.advance(3_600_000);
    await worker.runOnce();
    expect(await store.buckets(10)).toEqual([first]);
    clock.advance(3_600_000);
    await worker.runOnce();
    expect(await store.buckets(10)).toEqual([]);
  });

  it('backoff doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 60].map((n) => backoffSeconds(n, 30, 3600))).toEqual([30, 60, 120, 240, 480, 3600]);
  });
});
