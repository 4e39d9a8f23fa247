import { afterAll, beforeAll } from 'vitest';
import { CassandraIdpLoginOptionsStore } from '../cassandra/idp-login-options-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { idpLoginOptionsContract } from './idp-login-options.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

idpLoginOptionsContract('Cassandra', () => new CassandraIdpLoginOptionsStore(db));
