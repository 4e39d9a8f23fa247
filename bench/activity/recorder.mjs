#!/usr/bin/env node
// The team activity log: what recording costs a request, how fast the background writer empties
// its queue into Cassandra, and what one GET /team-settings/activity page costs to read.
//   node bench/activity/recorder.mjs [events, default 20000]
// Uses the keyspaces of the configuration (CASSANDRA_KEYSPACE_BRIG etc.; migrated first) and a
// fresh team id. Not a test: run by hand; prints one table.
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import { run, machine } from '../lib.mjs';

const require = createRequire(import.meta.url);
const n = Number(process.argv[2] ?? 20000);

await cassandra.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const { CassandraDb, CassandraActivityStore, MemoryActivityStore, queryActivity } = require(
  path.join(repoRoot, 'dist/libs/persistence/index.js'),
);
const { ActivityRecorder } = require(path.join(repoRoot, 'dist/libs/platform/index.js'));
const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
const { systemClock } = require(path.join(repoRoot, 'dist/libs/domain/index.js'));

const log = pino({ level: 'warn' });
const input = (i) => ({
  kind: i % 10 === 0 ? 'sso.login.failed' : 'scim.user.created',
  outcome: i % 10 === 0 ? 'failed' : 'ok',
  ...(i % 10 === 0 ? { reason: 'not-found' } : {}),
  actor: { type: 'scim-token', id: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', name: 'Entra' },
  subject: { type: 'user', id: randomUUID(), name: i === 7 ? 'needle@example.com' : `user.${i}@example.com` },
  detail: `User user.${i} was created by SCIM.`,
});
const rows = [];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// 1. The request's share: record() into a queue (the store is the memory twin, so only the call is timed).
{
  const rec = new ActivityRecorder(new MemoryActivityStore(), { ttlSeconds: 3600, queueSize: n + 1, clock: systemClock, log });
  const team = randomUUID();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) rec.record(team, input(i));
  const took = ms(t0);
  rows.push({ what: 'record() on the request path', n, total_ms: took.toFixed(1), per_event_us: ((took * 1000) / n).toFixed(2) });
  await rec.flush();
}

// 2. The background writer against Cassandra.
const db = new CassandraDb(loadConfig().cassandra);
await db.connect();
const store = new CassandraActivityStore(db);
const team = randomUUID();
{
  const { Registry } = require('prom-client');
  const registry = new Registry();
  const rec = new ActivityRecorder(store, { ttlSeconds: 3600, queueSize: n + 1, clock: systemClock, log, registry });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) rec.record(team, input(i));
  await rec.flush();
  const took = ms(t0);
  const values = (await registry.getSingleMetric('activity_events_total').get()).values;
  const failed = values.find((v) => v.labels.result === 'failed')?.value ?? 0;
  rows.push({
    what: 'background writes to Cassandra',
    n,
    total_ms: took.toFixed(0),
    per_event_us: ((took * 1000) / n).toFixed(1),
    events_per_s: Math.round((n / took) * 1000),
    failed,
  });
}

// 3. Reads: one page, newest first; a page filtered by a rare subject (bounded scan); the whole log paged.
const timed = async (what, f, reps = 20) => {
  await f();
  const t0 = process.hrtime.bigint();
  let last;
  for (let i = 0; i < reps; i++) last = await f();
  rows.push({
    what,
    n: reps,
    total_ms: ms(t0).toFixed(0),
    per_request_ms: (ms(t0) / reps).toFixed(2),
    events: last.events.length,
    next: last.next ? 'yes' : 'no',
  });
};
await timed('GET page of 50, no filter', () => queryActivity(store, team, { limit: 50 }));
await timed('GET page of 200, no filter', () => queryActivity(store, team, { limit: 200 }));
await timed('GET page of 50, outcome=failed', () => queryActivity(store, team, { limit: 50, filter: { outcome: 'failed' } }));
await timed('GET page of 50, subject=needle (rare)', () => queryActivity(store, team, { limit: 50, filter: { subject: 'needle' } }));
await db.shutdown();

console.log(`activity log, ${n} events, ${machine()}`);
console.table(rows);
