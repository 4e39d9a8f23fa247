// `npm run migrate` and the Helm hook Job: brings the spar, brig and galley keyspaces up to date.
import { loadConfigOrExit } from '@sso/config';
import { CassandraDb, migrate } from '@sso/persistence';

async function main(): Promise<number> {
  const config = loadConfigOrExit('migrate');
  const db = new CassandraDb(config.cassandra, { applicationName: 'migrate' });
  const t0 = Date.now();
  try {
    await db.connect();
    const reports = await migrate(db, { log: (m) => process.stderr.write(`[migrate] ${m}\n`) });
    const applied = reports.reduce((n, r) => n + r.applied.length, 0);
    process.stderr.write(`[migrate] done in ${((Date.now() - t0) / 1000).toFixed(1)}s, ${applied} migration(s) applied\n`);
    return 0;
  } finally {
    await db.shutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`[migrate] failed: ${e.message}\n`);
    process.exit(1);
  },
);
