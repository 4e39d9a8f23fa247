import { afterAll, beforeAll } from 'vitest';
import { CassandraScimUserDocStore } from '../cassandra/scim-user-doc-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { scimUserDocContract } from './scim-user-doc.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

scimUserDocContract('Cassandra', () => new CassandraScimUserDocStore(db));
