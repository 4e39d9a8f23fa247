import { FakeClock, type OutgoingMail, newTeamId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { type MailOutboxStore, outboxBucket } from '../ports/mail-outbox';
import { concurrently } from './env.contract';

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  kind: 'password-reset',
  to: 'ada@example.com',
  team: newTeamId(),
  teamName: 'Analytical <Engines>',
  locale: 'de',
  link: 'https://wire.example.com/password-reset/complete?key=k&code=c',
  userName: 'Ada',
  ...over,
});

/**
 * The contract of `MailOutboxStore`, against the Cassandra adapter and the twin. Each test puts
 * its clock on an hour of its own (far from now), so other tests' mail in the shared tables never
 * shows up in its bucket.
 */
export function mailOutboxContract(name: string, store: (clock: FakeClock) => MailOutboxStore): void {
  const ownHour = () => new FakeClock(Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 500_000) * 3_600_000);

  describe(`MailOutboxStore (mail_outbox): ${name}`, () => {
    it('enqueues in the hour bucket of now, listed in the index, oldest first, with all the fields', async () => {
      const clock = ownHour();
      const s = store(clock);
      const first = mail({ userName: null });
      const id1 = await s.enqueue(first);
      clock.advance(1000);
      const id2 = await s.enqueue(mail({ kind: 'invitation', locale: 'en' }));
      const bucket = outboxBucket(clock.now());
      expect(await s.buckets(100_000)).toContain(bucket);
      const rows = await s.inBucket(bucket, 10);
      expect(rows.map((r) => r.id)).toEqual([id1, id2]);
      expect(rows[0]).toMatchObject({
        bucket,
        mail: first,
        attempts: 0,
        leaseOwner: null,
        lastError: null,
      });
      expect(rows[0]!.createdAt.getTime()).toBe(clock.now().getTime() - 1000);
      expect(rows[0]!.nextAttemptAt.getTime()).toBe(rows[0]!.createdAt.getTime());
      expect(await s.inBucket(bucket, 1)).toHaveLength(1);
    });

    it('refuses a mail that is not well-formed, and writes nothing', async () => {
      const clock = ownHour();
      const s = store(clock);
      await expect(s.enqueue(mail({ to: 'a@b.c\r\nBcc: x@y.z' }))).rejects.toThrow(TypeError);
      await expect(s.enqueue(mail({ link: 'javascript:alert(1)' }))).rejects.toThrow(/link/);
      await expect(s.enqueue(mail({ kind: 'spam' as OutgoingMail['kind'] }))).rejects.toThrow(/kind/);
      await expect(s.enqueue(mail({ locale: 'deutsch' }))).rejects.toThrow(/locale/);
      expect(await s.inBucket(outboxBucket(clock.now()), 10)).toEqual([]);
    });

    it('claims: one of 10 concurrent workers wins; a stale read cannot claim; the lease holder removes the row', async () => {
      const clock = ownHour();
      const s = store(clock);
      await s.enqueue(mail());
      const [row] = await s.inBucket(outboxBucket(clock.now()), 10);
      const until = new Date(clock.now().getTime() + 60_000);
      const wins = await concurrently(10, (i) => s.claim(row!, `worker-${i}`, until));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const owner = `worker-${wins.indexOf(true)}`;
      expect(await s.claim(row!, 'late', until)).toBe(false);
      expect(await s.remove(row!, 'someone-else')).toBe(false);
      const [held] = await s.inBucket(row!.bucket, 10);
      expect(held).toMatchObject({ leaseOwner: owner, leaseUntil: until });
      expect(await s.remove(row!, owner)).toBe(true);
      expect(await s.inBucket(row!.bucket, 10)).toEqual([]);
      // A removed row is not claimed back into existence.
      expect(await s.claim(held!, 'ghost', until)).toBe(false);
      expect(await s.inBucket(row!.bucket, 10)).toEqual([]);
    });

    it('retryLater counts the attempt, sets the backoff and frees the row for the next claim', async () => {
      const clock = ownHour();
      const s = store(clock);
      await s.enqueue(mail());
      const [row] = await s.inBucket(outboxBucket(clock.now()), 10);
      const until = new Date(clock.now().getTime() + 60_000);
      expect(await s.claim(row!, 'w1', until)).toBe(true);
      const at = new Date(clock.now().getTime() + 30_000);
      expect(await s.retryLater(row!, 'w2', { attempts: 1, at, error: 'not mine' })).toBe(false);
      expect(await s.retryLater(row!, 'w1', { attempts: 1, at, error: 'connect ECONNREFUSED' })).toBe(true);
      const [again] = await s.inBucket(row!.bucket, 10);
      expect(again).toMatchObject({ attempts: 1, nextAttemptAt: at, leaseUntil: at, leaseOwner: null, lastError: 'connect ECONNREFUSED' });
      // The first read is stale now: its lease value is gone.
      expect(await s.claim(row!, 'w3', until)).toBe(false);
      expect(await s.claim(again!, 'w3', until)).toBe(true);
    });

    it('drops a bucket from the index', async () => {
      const clock = ownHour();
      const s = store(clock);
      const id = await s.enqueue(mail());
      const bucket = outboxBucket(clock.now());
      const [row] = await s.inBucket(bucket, 10);
      expect(row!.id).toBe(id);
      await s.claim(row!, 'w', new Date(clock.now().getTime() + 1000));
      await s.remove(row!, 'w');
      await s.dropBucket(bucket);
      expect(await s.buckets(100_000)).not.toContain(bucket);
    });
  });
}
