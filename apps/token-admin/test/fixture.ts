import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyEntry } from '@sso/auth';
import type { Config } from '@sso/config';
import { systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores } from '@sso/persistence';
import { type TestApp, startTestApp } from '@sso/testing';
import { tokenAdmin } from '../src/app';
import { TeamsHandler } from '../src/teams/teams.handler';

/** A keys file in a fresh temporary folder holding `entry`, for `auth.keysFile`. */
export function writeKeysFile(entry: ReturnType<typeof generateKeyEntry> = generateKeyEntry('test-1')): string {
  const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify([entry]));
  return keysFile;
}

export interface TokenAdminEnv {
  t: TestApp;
  db: CassandraDb;
  /** Creates teams and members straight through the use case, on the same Cassandra. */
  teams: TeamsHandler;
  close(): Promise<void>;
}

/** The token-admin app on real Cassandra and Redis, plus a Cassandra session for the test's own setup and checks. */
export async function startTokenAdmin(config: Config): Promise<TokenAdminEnv> {
  const t = await startTestApp(tokenAdmin, config);
  const db = new CassandraDb(config.cassandra);
  try {
    await db.connect();
  } catch (e) {
    await t.close();
    throw e;
  }
  const teams = new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock);
  return {
    t,
    db,
    teams,
    close: async () => {
      await t.close();
      await db.shutdown();
    },
  };
}
