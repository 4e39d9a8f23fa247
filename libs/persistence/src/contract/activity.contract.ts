import { type ActivityEvent, type ActivityKind, type TeamId, newTeamId, timeUuid, timeUuidDate } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_SCAN_LIMITS, queryActivity } from '../activity-query';
import { ACTIVITY_BATCH_MAX, type ActivityStore, activityBucket } from '../ports/activity-store';
import { InvalidCursorError } from '../ports/paging';
import { inChunks } from './env.contract';

const TTL = 3600;

/** An event at `at` (its id made for that time, as the recorder makes them). */
export function activityEvent(at: Date, over: Partial<ActivityEvent> = {}): ActivityEvent {
  const id = timeUuid(at);
  const e: ActivityEvent = {
    id,
    at: timeUuidDate(id),
    kind: 'scim.user.created',
    outcome: 'ok',
    actor: { type: 'scim-token', id: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', name: 'Entra' },
    subject: { type: 'user', id: '0b4c5e2a-8f1d-4c3b-9a2e-7d6f5e4c3b2a', name: 'alice' },
    detail: 'User alice was created.',
    ...over,
  };
  for (const k of Object.keys(e) as Array<keyof ActivityEvent>) if (e[k] === undefined) delete e[k];
  return e;
}

/** Every page of a query, following `next` (with a guard against a cursor that never ends). */
async function all(store: ActivityStore, team: TeamId, limit: number, filter?: Parameters<typeof queryActivity>[2]['filter']) {
  const pages: ActivityEvent[][] = [];
  let cursor: string | null = null;
  do {
    const page = await queryActivity(store, team, { limit, cursor, filter });
    pages.push(page.events);
    cursor = page.next;
    if (pages.length > 500) throw new Error('paging does not end');
  } while (cursor);
  return pages;
}

/** The contract of ActivityStore and of queryActivity over it, run against Cassandra and the twin. */
export function activityContract(
  name: string,
  store: () => ActivityStore,
  elapse: (seconds: number) => Promise<void>,
  now: () => Date,
): void {
  describe(`ActivityStore (team_activity): ${name}`, () => {
    it('reads back every field, newest first, across hours; other teams see nothing', async () => {
      const s = store();
      const team = newTeamId();
      const t0 = new Date(Math.floor(now().getTime() / 3_600_000) * 3_600_000 - 5 * 3_600_000);
      const full = activityEvent(new Date(t0.getTime() + 1000), {
        kind: 'sso.login.failed',
        outcome: 'failed',
        actor: { type: 'idp', id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Okta' },
        subject: { type: 'user', name: 'bob@example.com' },
        idp: 'a1b2c3d4-0000-4000-8000-000000000001',
        reason: 'forbidden',
        detail: 'Login of bob@example.com was refused: forbidden.',
      });
      const bare = activityEvent(new Date(t0.getTime() + 3_600_000 + 5), {
        kind: 'idp.deleted',
        actor: { type: 'system' },
        subject: undefined,
        detail: 'IdP deleted.',
      });
      const third = activityEvent(new Date(t0.getTime() + 3 * 3_600_000 + 7));
      for (const e of [full, third, bare]) await s.insert(team, e, TTL);
      const page = await queryActivity(s, team, { limit: 10 });
      expect(page).toEqual({ events: [third, bare, full], next: null });
      expect(page.events[2]!.subject).toEqual({ type: 'user', name: 'bob@example.com' });
      expect(page.events[1]).not.toHaveProperty('subject');
      expect(await s.buckets(team, null, 10)).toEqual([activityBucket(third.at), activityBucket(bare.at), activityBucket(full.at)]);
      expect(await s.buckets(team, activityBucket(bare.at), 10)).toEqual([activityBucket(bare.at), activityBucket(full.at)]);
      expect(await queryActivity(s, newTeamId(), { limit: 10 })).toEqual({ events: [], next: null });
      // Writing the same event again changes nothing (the recorder may retry).
      await s.insert(team, full, TTL);
      expect((await queryActivity(s, team, { limit: 10 })).events).toHaveLength(3);
    });

    it('pages with opaque cursors: every event once, in order, at every page size', async () => {
      const s = store();
      const team = newTeamId();
      const base = now().getTime() - 10 * 3_600_000;
      // 23 events over 4 hours, several in the same millisecond.
      const events = Array.from({ length: 23 }, (_, i) => activityEvent(new Date(base + Math.floor(i / 6) * 3_600_000 + (i % 3))));
      await inChunks(events, (e) => s.insert(team, e, TTL));
      const expected = (await queryActivity(s, team, { limit: 100 })).events.map((e) => e.id);
      expect(expected).toHaveLength(23);
      expect(new Set(expected).size).toBe(23);
      const times = (await queryActivity(s, team, { limit: 100 })).events.map((e) => e.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const limit of [1, 2, 5, 6, 7, 23, 24]) {
        const pages = await all(s, team, limit);
        expect(pages.flat().map((e) => e.id)).toEqual(expected);
        for (const p of pages.slice(0, -1)) expect(p).toHaveLength(limit);
      }
    });

    it('filters by kind, outcome, actor and subject (id or part of the name), paging through the matches', async () => {
      const s = store();
      const team = newTeamId();
      const base = now().getTime() - 3 * 3_600_000;
      const bob = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      const kinds: ActivityKind[] = ['scim.user.created', 'sso.login.failed', 'token.created'];
      const events = Array.from({ length: 30 }, (_, i) =>
        activityEvent(new Date(base + i * 200_000), {
          kind: kinds[i % 3],
          outcome: i % 3 === 1 ? 'failed' : 'ok',
          ...(i % 3 === 1 ? { reason: 'forbidden' } : {}),
          actor: { type: 'user', id: i % 2 === 0 ? 'aaaaaaaa-0000-4000-8000-000000000000' : 'bbbbbbbb-0000-4000-8000-000000000000' },
          subject: i % 5 === 0 ? { type: 'user', id: bob, name: 'Bob.Smith@Example.com' } : { type: 'user', name: `user${i}` },
        }),
      );
      await inChunks(events, (e) => s.insert(team, e, TTL));
      const newest = [...events].reverse();
      const ids = (f: (e: ActivityEvent) => boolean) => newest.filter(f).map((e) => e.id);
      const q = async (filter: Parameters<typeof all>[3], limit = 4) => (await all(s, team, limit, filter)).flat().map((e) => e.id);
      expect(await q({ kinds: ['sso.login.failed'] })).toEqual(ids((e) => e.kind === 'sso.login.failed'));
      expect(await q({ kinds: ['sso.login.failed', 'token.created'] })).toEqual(ids((e) => e.kind !== 'scim.user.created'));
      expect(await q({ outcome: 'failed' })).toEqual(ids((e) => e.outcome === 'failed'));
      expect(await q({ actor: 'BBBBBBBB-0000-4000-8000-000000000000' })).toEqual(ids((e) => e.actor.id!.startsWith('b')));
      expect(await q({ subject: bob })).toEqual(ids((e) => e.subject?.id === bob));
      expect(await q({ subject: 'bob.smith' }, 1)).toEqual(ids((e) => e.subject?.id === bob));
      expect(await q({ subject: 'user1' })).toEqual(ids((e) => /^user1/.test(e.subject?.name ?? '')));
      expect(await q({ subject: 'bob', outcome: 'failed', kinds: ['sso.login.failed'] })).toEqual(
        ids((e) => e.subject?.id === bob && e.kind === 'sso.login.failed'),
      );
      expect(await q({ subject: 'nobody' })).toEqual([]);
    });

    it('bounds the work of one request: a filter that matches little answers partial pages with a cursor', async () => {
      const s = store();
      const team = newTeamId();
      const { maxBuckets, maxRows } = ACTIVITY_SCAN_LIMITS;
      const hour = Math.floor(now().getTime() / 3_600_000) * 3_600_000;
      // More hours than one request reads, one event each, and the only match in the oldest.
      const hours = maxBuckets + 3;
      const events = Array.from({ length: hours }, (_, i) =>
        activityEvent(new Date(hour - (i + 1) * 3_600_000 + 10), i === hours - 1 ? { subject: { type: 'user', name: 'needle' } } : {}),
      );
      await inChunks(events, (e) => s.insert(team, e, TTL));
      const first = await queryActivity(s, team, { limit: 10, filter: { subject: 'needle' } });
      expect(first.events).toEqual([]);
      expect(first.next).not.toBeNull();
      const second = await queryActivity(s, team, { limit: 10, filter: { subject: 'needle' }, cursor: first.next });
      expect(second.events.map((e) => e.id)).toEqual([events[hours - 1]!.id]);
      expect(second.next).toBeNull();
      // Rows: more rows in one hour than a request scans.
      const busy = newTeamId();
      const many = Array.from({ length: maxRows + 10 }, (_, i) => activityEvent(new Date(hour - 3_500_000 + i)));
      await inChunks(many, (e) => s.insert(busy, e, TTL));
      const scan = await queryActivity(s, busy, { limit: 5, filter: { outcome: 'failed' } });
      expect(scan.events).toEqual([]);
      expect(scan.next).not.toBeNull();
      const rest = await queryActivity(s, busy, { limit: 5, filter: { outcome: 'failed' }, cursor: scan.next });
      expect(rest).toEqual({ events: [], next: null });
    });

    it('refuses foreign and mangled cursors', async () => {
      const s = store();
      const team = newTeamId();
      for (const cursor of [
        'nope',
        Buffer.from('["activity",5,""]').toString('base64url'),
        Buffer.from('["x",0,""]').toString('base64url'),
      ]) {
        await expect(queryActivity(s, team, { limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
      await expect(
        queryActivity(s, team, { limit: 5, cursor: Buffer.from('["activity",3600000,"not-a-uuid"]').toString('base64url') }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(queryActivity(s, team, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
    });

    it('insertMany writes one hour of events at once: all readable, newest first, in their bucket; 1 and the cap', async () => {
      const s = store();
      const team = newTeamId();
      const hour = Math.floor(now().getTime() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
      // The cap, several in one millisecond, given out of order (ids are timeuuids; order is theirs).
      const events = Array.from({ length: ACTIVITY_BATCH_MAX }, (_, i) =>
        activityEvent(new Date(hour + 1000 + Math.floor(i / 3)), i % 4 === 0 ? { subject: undefined, actor: { type: 'system' } } : {}),
      );
      await s.insertMany(team, [...events].reverse(), TTL);
      const newest = [...events].sort((a, b) => (a.at.getTime() === b.at.getTime() ? 0 : b.at.getTime() - a.at.getTime()));
      const read = (await queryActivity(s, team, { limit: 100 })).events;
      expect(read.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
      expect(read.map((e) => e.at.getTime())).toEqual(newest.map((e) => e.at.getTime()));
      expect(new Map(read.map((e) => [e.id, e]))).toEqual(new Map(events.map((e) => [e.id, e])));
      expect(await s.buckets(team, null, 10)).toEqual([new Date(hour)]);
      // A batch of one, in another hour; then the same events again change nothing.
      const one = activityEvent(new Date(hour + 3_600_000 + 5), { kind: 'token.created' });
      await s.insertMany(team, [one], TTL);
      await s.insertMany(team, events.slice(0, 10), TTL);
      const all = (await queryActivity(s, team, { limit: 100 })).events;
      expect(all).toHaveLength(ACTIVITY_BATCH_MAX + 1);
      expect(all[0]).toEqual(one);
      expect(await s.buckets(team, null, 10)).toEqual([new Date(hour + 3_600_000), new Date(hour)]);
      // Nothing: nothing written.
      await s.insertMany(newTeamId(), [], TTL);
    });

    it('insertMany refuses events of two hours (two partitions), more than the cap and a bad TTL, writing nothing', async () => {
      const s = store();
      const team = newTeamId();
      const hour = Math.floor(now().getTime() / 3_600_000) * 3_600_000 - 3_600_000;
      const two = [activityEvent(new Date(hour + 3_599_999)), activityEvent(new Date(hour + 3_600_000))];
      await expect(s.insertMany(team, two, TTL)).rejects.toBeInstanceOf(RangeError);
      const tooMany = Array.from({ length: ACTIVITY_BATCH_MAX + 1 }, (_, i) => activityEvent(new Date(hour + i)));
      await expect(s.insertMany(team, tooMany, TTL)).rejects.toBeInstanceOf(RangeError);
      await expect(s.insertMany(team, tooMany.slice(0, 2), 0)).rejects.toBeInstanceOf(RangeError);
      expect((await queryActivity(s, team, { limit: 100 })).events).toEqual([]);
      expect(await s.buckets(team, null, 10)).toEqual([]);
    });

    it('insertMany rows expire with their TTL', async () => {
      const s = store();
      const team = newTeamId();
      const t = now();
      const events = [activityEvent(t), activityEvent(new Date(t.getTime() + 1)), activityEvent(new Date(t.getTime() + 2))];
      // Unless the three straddle an hour: then the last two only.
      const batch = activityBucket(events[0]!.at).getTime() === activityBucket(events[2]!.at).getTime() ? events : events.slice(1);
      await s.insertMany(team, batch, 1);
      expect((await queryActivity(s, team, { limit: 5 })).events).toHaveLength(batch.length);
      await elapse(2);
      expect((await queryActivity(s, team, { limit: 5 })).events).toEqual([]);
    });

    it('rows expire with their TTL', async () => {
      const s = store();
      const team = newTeamId();
      const e = activityEvent(now());
      await s.insert(team, e, 1);
      expect((await queryActivity(s, team, { limit: 5 })).events).toEqual([e]);
      await elapse(2);
      expect((await queryActivity(s, team, { limit: 5 })).events).toEqual([]);
      await expect(s.insert(team, e, 0)).rejects.toBeInstanceOf(RangeError);
    });
  });
}
