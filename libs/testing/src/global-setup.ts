import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '@sso/config';
import { CassandraDb, migrate } from '@sso/persistence';
import { testCassandraConfig } from '@sso/persistence/testing';

const root = path.resolve(__dirname, '../../..');

/** Runs an infrastructure script (tools/cassandra, tools/redis); `start` prints one JSON line. */
function infra(script: string, cmd: 'start' | 'stop', args: string[] = []): InfraStart {
  const out = execFileSync(process.execPath, [path.join(root, script), cmd, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  return cmd === 'start' ? JSON.parse(out.trim().split('\n').pop()!) : {};
}

interface InfraStart {
  started?: boolean;
  url?: string;
  /** Mailpit */
  apiUrl?: string;
  smtpHost?: string;
  smtpPort?: number;
}

/**
 * Brings up the real services the tests need, once per run: a Cassandra node (started if none
 * answers), Redis, Mailpit, and migrates the shared test keyspaces. A failure here fails the whole
 * run: a test that claims Cassandra never runs without it. What this run started, it stops.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = infra('tools/cassandra/cassandra.mjs', 'start');
  const redis = infra('tools/redis/redis.mjs', 'start');
  project.provide('redisUrl', redis.url!);
  // Mailpit on free ports (or the one MAILPIT_URL names): apps send mail there, tests read it back.
  const mailpit = infra('tools/mailpit/mailpit.mjs', 'start', ['--free-ports']);
  project.provide('mailpit', { apiUrl: mailpit.apiUrl!, smtpHost: mailpit.smtpHost!, smtpPort: mailpit.smtpPort! });

  const db = new CassandraDb(testCassandraConfig(loadConfig().cassandra));
  try {
    await migrate(db);
  } finally {
    await db.shutdown();
  }

  return async () => {
    if (redis.started) infra('tools/redis/redis.mjs', 'stop');
    if (mailpit.started) infra('tools/mailpit/mailpit.mjs', 'stop', [new URL(mailpit.apiUrl!).port]);
    if (node.started && !process.env.KEEP_CASSANDRA) infra('tools/cassandra/cassandra.mjs', 'stop');
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mailpit: { apiUrl: string; smtpHost: string; smtpPort: number };
  }
}
