import { afterAll, beforeAll } from 'vitest';
import { CassandraPasswordResetStore } from '../cassandra/password-reset-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { passwordResetContract } from './password-reset.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

passwordResetContract('Cassandra', () => new CassandraPasswordResetStore(db));
