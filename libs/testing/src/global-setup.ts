import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '@sso/config';
import { CassandraDb, migrate } from '@sso/persistence';
import { testCassandraConfig } from './cassandra';

const root = path.resolve(__dirname, '../../..');

/**
 * Brings up the real services the tests need, once per run: a Cassandra node (started if none
 * answers) and Redis. A failure here fails the whole run: a test that claims Cassandra never
 * runs without it.
 */
export default async function setup(project: TestProject): Promise<void> {
  const run = (script: string) =>
    execFileSync(process.execPath, [path.join(root, script), 'start'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).trim();
  run('tools/cassandra/cassandra.mjs');
  const redisUrl = run('tools/redis/redis.mjs').split('\n').pop()!;
  project.provide('redisUrl', redisUrl);

  // The shared test keyspaces, migrated once; test files that need a keyspace of their own make one.
  const db = new CassandraDb(testCassandraConfig(loadConfig().cassandra));
  try {
    await migrate(db);
  } finally {
    await db.shutdown();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
