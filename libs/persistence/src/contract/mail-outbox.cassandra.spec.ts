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

// A queue of its own: the apps' workers on the shared test keyspace never see these rows.
mailOutboxContract('Cassandra', (clock) => new CassandraMailOutboxStore(db, clock, `contract-${process.pid}`));
