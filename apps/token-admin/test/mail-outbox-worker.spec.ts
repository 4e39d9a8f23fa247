import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '@sso/config';
import { FakeClock, type OutgoingMail, newTeamId } from '@sso/domain';
import { type CassandraDb, CassandraMailOutboxStore, outboxBucket } from '@sso/persistence';
import { sharedTestDb } from '@sso/persistence/testing';
import { Mailpit, freePort } from '@sso/testing';
import { inject } from 'vitest';
import { OutboxWorker, SmtpMailer } from '@sso/platform';

/**
 * The worker with the real SMTP mailer and the Cassandra outbox: against a port where nothing
 * listens (each send fails), then against the run's Mailpit. On the shared test keyspace with a
 * queue of its own, so its fake clock (years ahead) never makes it send other tests' mail.
 */
describe('outbox worker on Cassandra with real SMTP', () => {
  let db: CassandraDb;
  const queue = `worker-test-${randomUUID()}`;
  let closedPort: number;
  const mailpit = new Mailpit();
  const mp = inject('mailpit');
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
  const smtp = (port: number): Config['mail'] =>
    loadConfig({ env: { MAIL_SMTP_HOST: '127.0.0.1', MAIL_SMTP_PORT: String(port), MAIL_SMTP_TLS: 'none', MAIL_SMTP_TIMEOUT_MS: '2000' } })
      .mail;
  const opts = { maxAttempts: 3, backoffBaseSeconds: 60, backoffMaxSeconds: 600, leaseSeconds: 120 };
  const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
    kind: 'invitation',
    to: `worker-${randomUUID()}@example.com`,
    team: newTeamId(),
    teamName: 'Worker Team',
    locale: 'de',
    link: `https://wire.example.com/invitation?code=${randomUUID()}`,
    userName: null,
    ...over,
  });

  beforeAll(async () => {
    db = await sharedTestDb();
    // A port that was free a moment ago: connections to it are refused.
    closedPort = await freePort();
    await new Promise<void>((resolve, reject) => {
      const probe = net.connect({ host: '127.0.0.1', port: closedPort });
      probe.once('connect', () => reject(new Error(`port ${closedPort} answers`)));
      probe.once('error', () => resolve());
    });
  }, 120_000);
  afterAll(async () => db?.shutdown());

  it('retries with backoff while SMTP fails, sends when it answers, and the mail arrives once', async () => {
    const clock = new FakeClock(new Date('2031-03-01T08:00:00Z'));
    const store = new CassandraMailOutboxStore(db, clock, queue);
    const m = mail();
    await store.enqueue(m);

    const broken = new OutboxWorker(store, new SmtpMailer(smtp(closedPort)), clock, log, opts);
    expect(await broken.runOnce()).toEqual({ sent: 0, failed: 1, givenUp: 0, waiting: 0 });
    const [row] = await store.inBucket(outboxBucket(clock.now()), 10);
    expect(row).toMatchObject({ attempts: 1, leaseOwner: null });
    expect(row!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(row!.nextAttemptAt.getTime()).toBe(clock.now().getTime() + 60_000);

    // SMTP is back, but the backoff is not over: nothing is sent.
    const mailer = new SmtpMailer(smtp(mp.smtpPort));
    const working = new OutboxWorker(store, mailer, clock, log, opts);
    expect((await working.runOnce()).waiting).toBe(1);
    clock.advance(60_000);
    expect((await working.runOnce()).sent).toBe(1);
    mailer.close();

    const [got] = await mailpit.waitFor(m.to);
    expect(got!.Subject).toBe('Einladung in das Team Worker Team auf Wire');
    expect(got!.Text).toContain(m.link);
    expect(await store.inBucket(outboxBucket(clock.now()), 10)).toEqual([]);
    clock.advance(3_600_000);
    await working.runOnce();
    expect(await mailpit.to(m.to)).toHaveLength(1);
  });

  it('gives up after the last attempt and removes the mail', async () => {
    const clock = new FakeClock(new Date('2031-04-01T08:00:00Z'));
    const store = new CassandraMailOutboxStore(db, clock, queue);
    await store.enqueue(mail());
    const broken = new OutboxWorker(store, new SmtpMailer(smtp(closedPort)), clock, log, opts);
    const rounds = [];
    for (let i = 0; i < 3; i++) {
      rounds.push(await broken.runOnce());
      clock.advance(600_000);
    }
    expect(rounds.map((r) => [r.failed, r.givenUp])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(await store.inBucket(outboxBucket(new Date('2031-04-01T08:00:00Z')), 10)).toEqual([]);
    expect(logs).toContain('mail given up after the last attempt');
  });

  it('a crash between the write and the send loses nothing: a new process sends it; two workers send it once', async () => {
    const clock = new FakeClock(new Date('2031-05-01T08:00:00Z'));
    const m = mail({ kind: 'password-reset', locale: 'en' });
    // The process that queued the mail is gone; its store and worker never ran.
    await new CassandraMailOutboxStore(db, clock, queue).enqueue(m);
    const store = new CassandraMailOutboxStore(db, clock, queue);
    const mailer = new SmtpMailer(smtp(mp.smtpPort));
    const a = new OutboxWorker(store, mailer, clock, log, opts);
    const b = new OutboxWorker(new CassandraMailOutboxStore(db, clock, queue), mailer, clock, log, opts);
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.sent + rb.sent).toBe(1);
    await mailpit.waitFor(m.to);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailpit.to(m.to)).toHaveLength(1);
    mailer.close();
    expect(logs).not.toContain(m.link);
    expect(logs).not.toContain(m.to);
  });
});
