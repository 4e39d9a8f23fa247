import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTeamId } from '@sso/domain';
import { CassandraActivityStore } from '../cassandra/activity-store';
import type { CassandraDb } from '../cassandra/db';
import { activityBucket } from '../ports/activity-store';
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
});
