import { afterAll, beforeAll } from 'vitest';
import { CassandraMailOutboxStore } from '../cassandra/mail-outbox-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { mailOutboxContract } from './mail-outbox.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

mailOutboxContract('Cassandra', (clock) => new CassandraMailOutboxStore(db, clock));
