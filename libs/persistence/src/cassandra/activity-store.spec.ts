import { describe, expect, it } from 'vitest';
import { type ActivityEvent, newTeamId } from '@sso/domain';
import { activityEvent } from '../contract/activity.contract';
import { BUCKET_TTL_MARGIN_SECONDS } from '../ports/activity-store';
import { BUCKET_REWRITE_MS, CassandraActivityStore } from './activity-store';
import type { CassandraDb } from './db';

/** A CassandraDb that records the statements it is asked to run (no Cassandra in the unit tier). */
function recordingDb(fail: (name: string) => boolean = () => false) {
  const calls: Array<{ name: string; params: unknown[] }> = [];
  const db = {
    config: { keyspaces: { brig: 'brig' } },
    execute: async (name: string, _cql: string, params: unknown[]) => {
      calls.push({ name, params });
      if (fail(name)) throw new Error(`${name} failed`);
      return { rows: [] };
    },
  } as unknown as CassandraDb;
  return { db, calls, buckets: () => calls.filter((c) => c.name === 'team_activity_bucket.insert') };
}

const HOUR = 3_600_000;
const at = (ms: number): ActivityEvent => activityEvent(new Date(ms));

describe('CassandraActivityStore: the hour row of team_activity_bucket', () => {
  const t0 = Date.UTC(2026, 11, 4, 10, 0, 0);

  it('is written once per team, hour and TTL while the process remembers it; every event is written', async () => {
    let clock = 0;
    const { db, calls, buckets } = recordingDb();
    const s = new CassandraActivityStore(db, () => clock);
    const team = newTeamId();
    await s.insert(team, at(t0 + 1000), 86_400);
    clock += 10 * 60_000;
    await s.insert(team, at(t0 + 20 * 60_000), 86_400);
    await s.insert(team, at(t0 + 59 * 60_000), 86_400);
    expect(calls.filter((c) => c.name === 'team_activity.insert')).toHaveLength(3);
    expect(buckets()).toHaveLength(1);
    expect(buckets()[0].params).toEqual([team, new Date(t0), 86_400 + BUCKET_TTL_MARGIN_SECONDS]);

    await s.insert(team, at(t0 + HOUR + 1), 86_400); // the next hour
    await s.insert(newTeamId(), at(t0 + 1000), 86_400); // another team
    await s.insert(team, at(t0 + 2000), 3600); // another TTL
    expect(buckets()).toHaveLength(4);
  });

  it('is written again once the window has passed, so the row always outlives the events written after it', async () => {
    let clock = 0;
    const { db, buckets } = recordingDb();
    const s = new CassandraActivityStore(db, () => clock);
    const team = newTeamId();
    await s.insert(team, at(t0), 86_400);
    clock += BUCKET_REWRITE_MS - 1;
    await s.insert(team, at(t0 + 1000), 86_400);
    expect(buckets()).toHaveLength(1);
    clock += 1;
    await s.insert(team, at(t0 + 2000), 86_400);
    expect(buckets()).toHaveLength(2);
    // The window is shorter than the row's extra life by at least the hour the margin keeps.
    expect(BUCKET_REWRITE_MS).toBeLessThanOrEqual(BUCKET_TTL_MARGIN_SECONDS * 1000 - HOUR);
  });

  it('is written again when the clock it remembers by has gone backwards', async () => {
    let clock = 5 * HOUR;
    const { db, buckets } = recordingDb();
    const s = new CassandraActivityStore(db, () => clock);
    const team = newTeamId();
    await s.insert(team, at(t0), 86_400);
    clock -= 1;
    await s.insert(team, at(t0 + 1000), 86_400);
    expect(buckets()).toHaveLength(2);
  });

  it('is not remembered when its write failed: the next event of the hour writes it', async () => {
    let failing = true;
    const { db, buckets } = recordingDb((name) => failing && name === 'team_activity_bucket.insert');
    const s = new CassandraActivityStore(db, () => 0);
    const team = newTeamId();
    await expect(s.insert(team, at(t0), 86_400)).rejects.toThrow(/bucket.insert failed/);
    failing = false;
    await s.insert(team, at(t0 + 1000), 86_400);
    await s.insert(team, at(t0 + 2000), 86_400);
    expect(buckets()).toHaveLength(2);
  });
});
