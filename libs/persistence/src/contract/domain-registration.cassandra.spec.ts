import { afterAll, beforeAll } from 'vitest';
import { CassandraDomainRegistrationStore } from '../cassandra/domain-registration-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { domainRegistrationContract } from './domain-registration.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

domainRegistrationContract('Cassandra', () => new CassandraDomainRegistrationStore(db));
