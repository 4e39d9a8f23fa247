import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTeamId } from '@sso/domain';
import { BUCKET_REWRITE_MS, CassandraActivityStore } from '../cassandra/activity-store';
import type { CassandraDb } from '../cassandra/db';
import { BUCKET_TTL_MARGIN_SECONDS, activityBucket } from '../ports/activity-store';
import { sharedTestDb } from '../testing';
import { activityContract, activityEvent } from './activity.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

activityContract(
  'Cassandra',
  () => new CassandraActivityStore(db),
  (s) => new Promise((r) => setTimeout(r, s * 1000)),
  () => new Date(),
);

describe('team_activity on Cassandra', () => {
  it('writes the event with the TTL asked for', async () => {
    const s = new CassandraActivityStore(db);
    const team = newTeamId();
    const e = activityEvent(new Date());
    await s.insert(team, e, 90 * 86_400);
    const ks = db.config.keyspaces.brig;
    const row = await db.execute('t', `SELECT TTL(kind) AS t FROM ${ks}.team_activity WHERE team = ? AND bucket = ? AND id = ?`, [
      team,
      activityBucket(e.at),
      e.id,
    ]);
    const ttl = Number(row.first().t);
    expect(ttl).toBeGreaterThan(90 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(90 * 86_400);
  });

  it('insertMany is one unlogged batch of team_activity.insert with the TTL asked for; one event is a plain insert', async () => {
    const s = new CassandraActivityStore(db);
    const team = newTeamId();
    const at = new Date();
    const hour = activityBucket(at).getTime();
    const events = [0, 1, 2].map((i) => activityEvent(new Date(Math.max(hour, at.getTime() - 10 + i))));
    const batch = vi.spyOn(db, 'batch');
    const exec = vi.spyOn(db, 'execute');
    try {
      await s.insertMany(team, events, 90 * 86_400);
      expect(batch).toHaveBeenCalledTimes(1);
      expect(batch.mock.calls[0]![0]).toBe('team_activity.insert_batch');
      expect(batch.mock.calls[0]![1]).toHaveLength(3);
      expect(batch.mock.calls[0]![2]).toEqual({ logged: false });
      expect(exec.mock.calls.filter((c) => c[0] === 'team_activity.insert')).toHaveLength(0);
      await s.insertMany(team, [activityEvent(at)], 90 * 86_400);
      expect(batch).toHaveBeenCalledTimes(1);
      expect(exec.mock.calls.filter((c) => c[0] === 'team_activity.insert')).toHaveLength(1);
    } finally {
      batch.mockRestore();
      exec.mockRestore();
    }
    const ks = db.config.keyspaces.brig;
    for (const e of events) {
      const row = await db.execute('t', `SELECT TTL(kind) AS t FROM ${ks}.team_activity WHERE team = ? AND bucket = ? AND id = ?`, [
        team,
        activityBucket(e.at),
        e.id,
      ]);
      const ttl = Number(row.first().t);
      expect(ttl).toBeGreaterThan(90 * 86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(90 * 86_400);
    }
  });
});

describe('team_activity_bucket rows written once per hour and process', () => {
  const bucketWrites = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter((c) => c[0] === 'team_activity_bucket.insert').length;

  it('writes the bucket row for the first event of an hour only, again once BUCKET_REWRITE_MS passed', async () => {
    let now = 0;
    const s = new CassandraActivityStore(db, () => now);
    const spy = vi.spyOn(db, 'execute');
    try {
      const team = newTeamId();
      const other = newTeamId();
      const at = new Date();
      await s.insert(team, activityEvent(at), 3600);
      await s.insert(team, activityEvent(at), 3600);
      expect(bucketWrites(spy)).toBe(1);
      // An event written up to BUCKET_REWRITE_MS after the row expires before it (the row's margin is longer).
      expect(BUCKET_TTL_MARGIN_SECONDS * 1000).toBeGreaterThan(BUCKET_REWRITE_MS);
      // Another team, and another TTL, have rows of their own.
      await s.insert(other, activityEvent(at), 3600);
      await s.insert(team, activityEvent(at), 7200);
      expect(bucketWrites(spy)).toBe(3);
      now += BUCKET_REWRITE_MS - 1;
      await s.insert(team, activityEvent(at), 3600);
      expect(bucketWrites(spy)).toBe(3);
      now += 1;
      await s.insert(team, activityEvent(at), 3600);
      expect(bucketWrites(spy)).toBe(4);
      // Every event is listed: the bucket row is there.
      expect(await s.buckets(team, null, 10)).toEqual([activityBucket(at)]);
      expect(await s.events(team, activityBucket(at), null, 10)).toHaveLength(5);
    } finally {
      spy.mockRestore();
    }
  });

  it('writes the bucket row again after a failed write of it', async () => {
    const s = new CassandraActivityStore(db, () => 0);
    const orig = db.execute.bind(db);
    let failNext = true;
    const spy = vi.spyOn(db, 'execute').mockImplementation((...args: Parameters<CassandraDb['execute']>) => {
      if (args[0] === 'team_activity_bucket.insert' && failNext) {
        failNext = false;
        return Promise.reject(new Error('bucket row write failed'));
      }
      return orig(...args);
    });
    try {
      const team = newTeamId();
      const at = new Date();
      await expect(s.insert(team, activityEvent(at), 3600)).rejects.toThrow('bucket row write failed');
      await s.insert(team, activityEvent(at), 3600);
      await s.insert(team, activityEvent(at), 3600);
      // The failed write, the one after it, and none for the third event.
      expect(bucketWrites(spy)).toBe(2);
      expect(await s.buckets(team, null, 10)).toEqual([activityBucket(at)]);
    } finally {
      spy.mockRestore();
    }
  });
});
