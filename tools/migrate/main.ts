// `npm run migrate` and the Helm hook Job: brings the spar, brig and galley keyspaces up to date.
import { loadConfigOrExit } from '@sso/config';
import { migrate, openStores } from '@sso/persistence';

async function main(): Promise<number> {
  const config = loadConfigOrExit('migrate');
  // The apps' composition root: what they would run on is what gets migrated.
  const root = openStores({ backend: config.store.backend, cassandra: config.cassandra, loginCacheSeconds: 0, applicationName: 'migrate' });
  const db = root.db;
  if (!db) {
    process.stderr.write('[migrate] STORE_BACKEND is memory: no schema to migrate\n');
    return 0;
  }
  const t0 = Date.now();
  try {
    await root.connect();
    const reports = await migrate(db, { log: (m) => process.stderr.write(`[migrate] ${m}\n`) });
    const applied = reports.reduce((n, r) => n + r.applied.length, 0);
    process.stderr.write(`[migrate] done in ${((Date.now() - t0) / 1000).toFixed(1)}s, ${applied} migration(s) applied\n`);
    return 0;
  } finally {
    await root.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`[migrate] failed: ${e.message}\n`);
    process.exit(1);
  },
);
