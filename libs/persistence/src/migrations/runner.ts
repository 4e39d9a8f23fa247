import { randomUUID } from 'node:crypto';
import type { CassandraConfig, CassandraDb } from '../cassandra/db';
import { brigMigrations } from './brig';
import { galleyMigrations } from './galley';
import { sparMigrations } from './spar';
import type { KeyspaceRole, Migration } from './types';

const migrationsByKeyspace: Record<KeyspaceRole, Migration[]> = {
  spar: sparMigrations,
  brig: brigMigrations,
  galley: galleyMigrations,
};

/** Wire keeps applied schema versions in `meta` under id 1; we do the same in each keyspace. */
const META_ID = 1;
/** The migration lock lives in its own partition of `meta` (id 0), written only with LWTs. */
const LOCK_ID = 0;
const LOCK_TTL_SECONDS = 300;

function replicationCql(replication: CassandraConfig['replication']): string {
  if (replication.class === 'SimpleStrategy') {
    return `{'class': 'SimpleStrategy', 'replication_factor': '${replication.replicationFactor}'}`;
  }
  const dcs = Object.entries(replication.datacenters)
    .map(([dc, rf]) => `'${dc.replace(/'/g, "''")}': '${rf}'`)
    .join(', ');
  return `{'class': 'NetworkTopologyStrategy', ${dcs}}`;
}

export interface MigrationReport {
  keyspace: string;
  applied: number[];
  alreadyAt: number | null;
}

export interface MigrateOptions {
  log?: (msg: string) => void;
  lockTimeoutMs?: number;
  only?: KeyspaceRole[];
}

/**
 * Brings every keyspace up to date. Safe to run from several processes at once: each keyspace
 * is migrated under a lease held with a lightweight transaction, and every statement is
 * idempotent, so a runner that dies half-way leaves nothing the next run cannot finish.
 */
export async function migrate(db: CassandraDb, opts: MigrateOptions = {}): Promise<MigrationReport[]> {
  const log = opts.log ?? (() => {});
  const reports: MigrationReport[] = [];
  const roles = opts.only ?? (['spar', 'brig', 'galley'] as KeyspaceRole[]);
  for (const role of roles) {
    const ks = db.config.keyspaces[role];
    await db.ddl(
      `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replicationCql(db.config.replication)} AND durable_writes = true`,
    );
    await db.ddl(
      `CREATE TABLE IF NOT EXISTS ${ks}.meta (id int, version int, date timestamp, descr text, PRIMARY KEY (id, version)) WITH CLUSTERING ORDER BY (version ASC)`,
    );
    reports.push(
      await withMigrationLock(db, ks, opts.lockTimeoutMs ?? 600_000, log, async () => {
        const rs = await db.execute('meta.versions', `SELECT version FROM ${ks}.meta WHERE id = ?`, [META_ID], {
          idempotent: true,
        });
        const done = new Set(rs.rows.map((r) => r.version as number));
        const current = done.size ? Math.max(...done) : null;
        const applied: number[] = [];
        for (const m of [...migrationsByKeyspace[role]].sort((a, b) => a.version - b.version)) {
          if (done.has(m.version)) continue;
          log(`${ks}: applying ${m.version} ${m.description}`);
          for (const stmt of m.statements(ks)) await db.ddl(stmt);
          await db.execute(
            'meta.record',
            `INSERT INTO ${ks}.meta (id, version, date, descr) VALUES (?, ?, ?, ?)`,
            [META_ID, m.version, new Date(), m.description],
            { idempotent: true },
          );
          applied.push(m.version);
        }
        if (applied.length === 0) log(`${ks}: up to date at version ${current}`);
        return { keyspace: ks, applied, alreadyAt: current };
      }),
    );
  }
  return reports;
}

async function withMigrationLock<T>(
  db: CassandraDb,
  ks: string,
  timeoutMs: number,
  log: (msg: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const owner = `migration lock ${randomUUID()}`;
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  for (;;) {
    const rs = await db.execute(
      'meta.lock',
      `INSERT INTO ${ks}.meta (id, version, date, descr) VALUES (?, 0, ?, ?) IF NOT EXISTS USING TTL ${LOCK_TTL_SECONDS}`,
      [LOCK_ID, new Date(), owner],
    );
    if (rs.wasApplied()) break;
    if (Date.now() > deadline) throw new Error(`${ks}: another migration holds the lock (${rs.first()?.descr})`);
    if (!waiting) log(`${ks}: waiting for another migration to finish`);
    waiting = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    return await fn();
  } finally {
    await db.execute('meta.unlock', `DELETE FROM ${ks}.meta WHERE id = ? AND version = 0 IF descr = ?`, [LOCK_ID, owner]);
  }
}
