import { afterAll, beforeAll } from 'vitest';
import { CassandraIdpMetadataSourceStore } from '../cassandra/idp-metadata-source-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { idpMetadataSourceContract } from './idp-metadata-source.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

idpMetadataSourceContract(
  'Cassandra',
  () => new CassandraIdpMetadataSourceStore(db),
  (s) => new Promise((r) => setTimeout(r, s * 1000)),
);
