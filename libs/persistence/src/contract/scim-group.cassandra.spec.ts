import { afterAll, beforeAll } from 'vitest';
import { CassandraScimGroupStore } from '../cassandra/scim-group-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { scimGroupContract } from './scim-group.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

scimGroupContract('Cassandra', () => new CassandraScimGroupStore(db));
