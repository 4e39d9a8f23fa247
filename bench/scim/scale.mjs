#!/usr/bin/env node
// SCIM Users at scale on the local Cassandra node: a team of 1,000 and a team of 100,000 SCIM
// users, seeded straight into Cassandra through the persistence stores (the rows a POST /Users
// writes, built by the scim-api's own validation and versioning), then measured over HTTP:
// get by id and filter `userName eq` at both sizes (autocannon per team, then both sizes
// interleaved for a fair p50 ratio), index paging, create, patch, and a full cursor walk of the
// large team; with the Cassandra statements per request read from the app's /i/metrics.
//   node bench/scim/scale.mjs [large team size, default 100000] [seconds per phase, default 10] [connections, default 8]
// The seeded teams are remembered in .cache/bench/scim-scale.json and reused by later runs (seed
// once: 100,000 users take minutes on a small machine); delete that file to seed again.
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { cacheDir, repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, pct, machine, startApp, patchRoundRobin, scimTeam, seededScimTeams, seedUserBody, seedUserName } from '../lib.mjs';

const require = createRequire(import.meta.url);
const largeSize = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const SMALL = 1000;
/** Users per cursor page in the walk (the advertised maxPageSize). */
const WALK_PAGE = 1000;
const stateFile = path.join(cacheDir, 'bench', 'scim-scale.json');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const log = (...a) => console.error('[bench]', ...a);

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const { CassandraDb, cassandraIdentityStores, cassandraSparStores } = require(path.join(repoRoot, 'dist/libs/persistence/index.js'));
const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
const { systemClock } = require(path.join(repoRoot, 'dist/libs/domain/index.js'));

const config = loadConfig();
const seeded = await seededScimTeams(stateFile, { small: SMALL, large: largeSize }, 'Bench');

const port = await freePort();
const env = {
  SCIM_API_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  SCIM_MAX_RESULTS: String(WALK_PAGE),
};
// One token drives the whole load: measure throughput, not the per-token rate limit.
env.SCIM_TOKEN_RATE_LIMIT = '0';
const { base, internal, child: app } = await startApp('scim-api', env);
try {
  const hdrs = (t) => ({ authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' });
  /** autocannon over a rotation of paths. */
  const rotate = (t, paths, extra = {}) => {
    let k = 0;
    return autocannon({
      url: `${base}${paths[0]}`,
      headers: hdrs(t),
      connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[k++ % paths.length] }) }],
      ...extra,
    });
  };
  const byId = (t) => t.sample.map((s) => `/scim/v2/Users/${s.uid}`);
  const byName = (t) => t.sample.map((s) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${seedUserName(t.tag, s.i)}"`)}`);
  const { small, large } = seeded;

  /** Cassandra statements (by name) and SCIM requests served so far, from the app's /i/metrics. */
  const scrape = async () => {
    const text = await (await fetch(`${internal}/i/metrics`)).text();
    const stmts = {};
    let requests = 0;
    for (const m of text.matchAll(/^cassandra_query_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
      const q = /query="([^"]+)"/.exec(m[1])[1];
      stmts[q] = (stmts[q] ?? 0) + Number(m[2]);
    }
    for (const m of text.matchAll(/^http_requests_total\{([^}]*)\} (\d+)/gm))
      if (/handler="\/scim\/v2/.test(m[1])) requests += Number(m[2]);
    return { stmts, requests };
  };
  /** Runs a phase; adds the Cassandra statements per SCIM request it caused. */
  const counted = async (phase) => {
    const a = await scrape();
    const r = await phase();
    await new Promise((res) => setTimeout(res, 300)); // requests autocannon left in flight
    const b = await scrape();
    const n = b.requests - a.requests;
    const per = Object.fromEntries(
      Object.keys(b.stmts)
        .filter((k) => b.stmts[k] !== (a.stmts[k] ?? 0))
        .map((k) => [k, Number(((b.stmts[k] - (a.stmts[k] ?? 0)) / n).toFixed(2))]),
    );
    return { r, statementsPerRequest: per };
  };

  // Warm-up (JIT, prepared statements, connection pools).
  await rotate(small, byId(small), { duration: 2 });

  const get1k = await rotate(small, byId(small));
  const { r: getLarge, statementsPerRequest: getStatements } = await counted(() => rotate(large, byId(large)));
  const eq1k = await rotate(small, byName(small));
  const { r: eqLarge, statementsPerRequest: eqStatements } = await counted(() => rotate(large, byName(large)));
  const list1k = await rotate(small, ['/scim/v2/Users?startIndex=1&count=100']);

  // userName eq at both sizes under the same conditions, at low load (two clients, so the
  // latency is the server's, not the client's queue), each alternating a lookup in the small and
  // in the large team, timed to the microsecond.
  const eqLat = { small: [], large: [] };
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 2 }, async (_, c) => {
      for (let k = c; Date.now() < until; k++) {
        for (const [label, t] of k % 2
          ? [
              ['small', small],
              ['large', large],
            ]
          : [
              ['large', large],
              ['small', small],
            ]) {
          const s = t.sample[(k * 7919) % t.sample.length];
          const t0 = performance.now();
          const r = await fetch(`${base}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${seedUserName(t.tag, s.i)}"`)}`, {
            headers: hdrs(t),
          });
          const body = await r.json();
          if (r.status !== 200 || body.totalResults !== 1) throw new Error(`userName eq: ${r.status}`);
          eqLat[label].push(performance.now() - t0);
        }
      }
    }),
  );
  const eqP50 = { small: quantile(eqLat.small, 0.5), large: quantile(eqLat.large, 0.5) };

  // One index page of the large team: still a walk of the whole team for the exact totalResults.
  const t0 = Date.now();
  const idx = await fetch(`${base}/scim/v2/Users?startIndex=1&count=100`, { headers: hdrs(large) }).then((r) => r.json());
  const indexPageLargeMs = Date.now() - t0;
  if (idx.totalResults !== large.size) throw new Error(`index page of the large team: totalResults ${idx.totalResults}`);

  // The full cursor walk of the large team, one client, pages of WALK_PAGE.
  const seen = new Set();
  const pageMs = [];
  let cursor = '';
  const walkBefore = await scrape();
  const w0 = Date.now();
  for (;;) {
    const p0 = Date.now();
    const r = await fetch(`${base}/scim/v2/Users?count=${WALK_PAGE}&cursor=${encodeURIComponent(cursor)}`, { headers: hdrs(large) });
    if (r.status !== 200) throw new Error(`walk: ${r.status} ${await r.text()}`);
    const body = await r.json();
    pageMs.push(Date.now() - p0);
    for (const u of body.Resources) seen.add(u.id);
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  const walkSeconds = (Date.now() - w0) / 1000;
  const walkAfter = await scrape();
  const walkStatements = Object.fromEntries(
    Object.keys(walkAfter.stmts)
      .filter((k) => walkAfter.stmts[k] !== (walkBefore.stmts[k] ?? 0))
      .map((k) => [k, Number(((walkAfter.stmts[k] - (walkBefore.stmts[k] ?? 0)) / pageMs.length).toFixed(2))]),
  );
  if (seen.size !== large.size) throw new Error(`walk saw ${seen.size} users of ${large.size}`);

  // Creates (and patches of what they created) in a fresh team, so the seeded teams keep their size.
  const fresh = await (async () => {
    const d = new CassandraDb(config.cassandra);
    await d.connect();
    try {
      return await scimTeam(
        { identity: cassandraIdentityStores(d, systemClock), spar: cassandraSparStores(d, systemClock) },
        'Bench create',
      );
    } finally {
      await d.shutdown();
    }
  })();
  const tag = randomUUID().slice(0, 8);
  let n = 0;
  const created = [];
  const { r: create, statementsPerRequest: createStatements } = await counted(() =>
    autocannon({
      url: `${base}/scim/v2/Users`,
      method: 'POST',
      headers: hdrs(fresh),
      connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: JSON.stringify(seedUserBody(tag, n++)) }),
          onResponse: (status, b) => status === 201 && created.push(JSON.parse(b).id),
        },
      ],
    }),
  );
  const patch = await patchRoundRobin(autocannon, { base, headers: hdrs(fresh), ids: created, connections, seconds });

  const result = {
    machine: machine(),
    connections,
    secondsPerPhase: seconds,
    seeding: {
      small: { users: small.size, seconds: small.seedSeconds, usersPerSecond: small.seedUsersPerSecond },
      large: { users: large.size, seconds: large.seedSeconds, usersPerSecond: large.seedUsersPerSecond },
      seededThisRun: seeded.fresh,
    },
    get_by_id_1k: pct(get1k),
    [`get_by_id_${large.size}`]: { ...pct(getLarge), statementsPerRequest: getStatements },
    filter_userName_eq_1k: pct(eq1k),
    [`filter_userName_eq_${large.size}`]: { ...pct(eqLarge), statementsPerRequest: eqStatements },
    userName_eq_interleaved: {
      requests: eqLat.small.length + eqLat.large.length,
      p50_ms_1k: Number(eqP50.small.toFixed(2)),
      [`p50_ms_${large.size}`]: Number(eqP50.large.toFixed(2)),
      p99_ms_1k: Number(quantile(eqLat.small, 0.99).toFixed(2)),
      [`p99_ms_${large.size}`]: Number(quantile(eqLat.large, 0.99).toFixed(2)),
      p50_ratio_large_over_1k: Number((eqP50.large / eqP50.small).toFixed(2)),
    },
    list_index_first_100_of_1k: pct(list1k),
    [`list_index_first_100_of_${large.size}_one_request_ms`]: indexPageLargeMs,
    cursor_walk: {
      users: seen.size,
      pageSize: WALK_PAGE,
      pages: pageMs.length,
      seconds: walkSeconds,
      usersPerSecond: Math.round(seen.size / walkSeconds),
      page_p50_ms: quantile(pageMs, 0.5),
      page_p99_ms: quantile(pageMs, 0.99),
      statementsPerPage: walkStatements,
    },
    create_POST_Users: { ...pct(create), created: created.length, statementsPerRequest: createStatements },
    patch_replace_title: pct(patch),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  // Let the requests autocannon abandoned at the end of a phase finish before the app stops.
  await new Promise((r) => setTimeout(r, 1000));
  app.kill('SIGTERM');
}
