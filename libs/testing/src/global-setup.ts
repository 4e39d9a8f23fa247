import type { TestProject } from 'vitest/node';
import { loadConfig } from '@sso/config';
import { CassandraDb, migrate } from '@sso/persistence';
import * as cassandra from '../../../tools/cassandra/cassandra.mjs';
import * as redis from '../../../tools/redis/redis.mjs';
import { testCassandraConfig } from './cassandra';

/**
 * Brings up the real services the tests need, once per run: a Cassandra node (started if none
 * answers) and Redis, and migrates the shared test keyspaces. A failure here fails the whole
 * run: a test that claims Cassandra never runs without it. What this run started, it stops.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = await cassandra.start();
  const redisWasUp = Boolean(process.env.REDIS_URL) || (await redis.ping());
  const redisUrl = await redis.start();
  project.provide('redisUrl', redisUrl);

  const db = new CassandraDb(testCassandraConfig(loadConfig().cassandra));
  try {
    await migrate(db);
  } finally {
    await db.shutdown();
  }

  return async () => {
    if (!redisWasUp) await redis.stop();
    if (node.started && !process.env.KEEP_CASSANDRA) await cassandra.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
