import { afterAll, beforeAll } from 'vitest';
import { CassandraScimTokenLifecycleStore } from '../cassandra/scim-token-lifecycle-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { scimTokenLifecycleContract } from './scim-token-lifecycle.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

scimTokenLifecycleContract('Cassandra', () => new CassandraScimTokenLifecycleStore(db));
