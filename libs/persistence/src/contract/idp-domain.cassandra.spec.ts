import { afterAll, beforeAll } from 'vitest';
import { CassandraIdpDomainStore } from '../cassandra/idp-domain-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { idpDomainContract } from './idp-domain.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

idpDomainContract('Cassandra', () => new CassandraIdpDomainStore(db));
