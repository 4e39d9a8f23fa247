import { afterAll, beforeAll } from 'vitest';
import { CassandraPageCheckpointStore } from '../cassandra/page-checkpoint-store';
import { CassandraTeamCountStore } from '../cassandra/team-count-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { teamCountContract } from './team-count.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

teamCountContract('Cassandra', () => ({
  counts: new CassandraTeamCountStore(db),
  checkpoints: new CassandraPageCheckpointStore(db),
  pass: (s) => new Promise((r) => setTimeout(r, s * 1000 + 100)),
}));
