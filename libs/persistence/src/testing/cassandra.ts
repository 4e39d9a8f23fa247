import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '@sso/config';
import { CassandraDb } from '../cassandra/db';
import { migrate } from '../migrations';

type CassandraConfig = Config['cassandra'];

/** The keyspaces every test file shares (migrated once by the global setup): test_spar, ... */
export function testCassandraConfig(base: CassandraConfig = loadConfig().cassandra, prefix = 'test'): CassandraConfig {
  return {
    ...base,
    keyspaces: { spar: `${prefix}_spar`, brig: `${prefix}_brig`, galley: `${prefix}_galley` },
    replication: { class: 'SimpleStrategy', replicationFactor: 1 },
  };
}

/** A connected client on the shared, migrated test keyspaces. Tests use fresh ids to stay apart. */
export async function sharedTestDb(): Promise<CassandraDb> {
  const db = new CassandraDb(testCassandraConfig());
  await db.connect();
  return db;
}

/**
 * Keyspaces of this test's own (for schema and migration tests): a random prefix, migrated unless
 * asked not to, and dropped by `drop()`.
 */
export async function freshTestDb(opts: { migrate?: boolean } = {}): Promise<{ db: CassandraDb; drop: () => Promise<void> }> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const db = new CassandraDb(testCassandraConfig(loadConfig().cassandra, prefix));
  await db.connect();
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    drop: async () => {
      // A drop flushes and snapshots the keyspace: on a busy node that can outlast the usual 12 s.
      for (const ks of Object.values(db.config.keyspaces))
        await db.client.execute(`DROP KEYSPACE IF EXISTS ${ks}`, [], { prepare: false, readTimeout: 60_000 });
      await db.shutdown();
    },
  };
}
