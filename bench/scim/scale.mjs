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
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { cacheDir, repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, pct, machine, startApp, patchRoundRobin, scimTeam } from '../lib.mjs';

const require = createRequire(import.meta.url);
const largeSize = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const SMALL = 1000;
/** Users in flight while seeding. */
const SEED_CONCURRENCY = 128;
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

const { CassandraDb, cassandraIdentityStores, cassandraSparStores, CassandraScimUserDocStore } = require(
  path.join(repoRoot, 'dist/libs/persistence/index.js'),
);
const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
const { newUserId, systemClock } = require(path.join(repoRoot, 'dist/libs/domain/index.js'));
const { validateUser, scimUserRecord } = require(path.join(repoRoot, 'dist/apps/scim-api/users/user-input.js'));
const { versionOf } = require(path.join(repoRoot, 'dist/apps/scim-api/users/user-reader.js'));
const { scimExternalSsoId } = require(path.join(repoRoot, 'dist/apps/scim-api/users/sso-identity.js'));

const config = loadConfig();
const db = new CassandraDb(config.cassandra);
await db.connect();
const identity = cassandraIdentityStores(db, systemClock);
const spar = cassandraSparStores(db, systemClock);
const docs = new CassandraScimUserDocStore(db);

const userName = (tag, i) => `seed.${tag}.${i}`;
const seedBody = (tag, i) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: userName(tag, i),
  externalId: `${userName(tag, i)}@bench.example`,
  displayName: `Seed ${i}`,
  name: { givenName: 'Seed', familyName: String(i) },
  emails: [{ value: `${userName(tag, i)}@bench.example`, type: 'work', primary: true }],
});

/**
 * The rows CreateUser.create writes for one user of a token without IdP: scim_external (claimed,
 * then marked created), user_handle, scim_user_doc, user, team_member + user_team, scim_user_times.
 * Nothing else is in flight for these keys, so the writes of one user go out in parallel.
 */
async function seedOne(team, tag, i) {
  const v = validateUser(seedBody(tag, i), { richInfoLimit: config.scim.richInfoLimit, needsEmail: true });
  const uid = newUserId();
  const now = new Date();
  const user = scimUserRecord(uid, team, v, scimExternalSsoId(v.wire.externalId));
  const [c, h, d] = await Promise.all([
    spar.scimExternal.claim(team, v.wire.externalId, uid),
    identity.users.claimHandle(v.wire.handle, uid),
    docs.create({ uid, doc: JSON.stringify(v.doc), version: versionOf(uid, v.doc), times: { createdAt: now, lastUpdatedAt: now } }),
    identity.users.put(user),
    identity.teams.addMember({ team, user: uid, role: v.wire.role ?? 'member', invitedBy: null, invitedAt: now }),
    spar.scimUserTimes.put({ uid, createdAt: now, lastUpdatedAt: now }),
  ]);
  if (!c.ok || !h.ok || !d.ok) throw new Error(`seeding ${userName(tag, i)}: a key is taken`);
  await spar.scimExternal.markCreated(team, v.wire.externalId, uid);
  return uid;
}

async function seedTeam(label, size) {
  const { team, token } = await scimTeam({ identity, spar }, `Bench ${label}`);
  const tag = randomUUID().slice(0, 8);
  const sample = [];
  const every = Math.max(1, Math.floor(size / 1000));
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < size; i = next++) {
      const uid = await seedOne(team, tag, i);
      if (i % every === 0) sample.push({ i, uid });
      if ((i + 1) % 10_000 === 0) log(`${label}: ${i + 1} users, ${Math.round(((i + 1) * 1000) / (Date.now() - t0))}/s`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  const secondsTaken = (Date.now() - t0) / 1000;
  log(`${label}: seeded ${size} users in ${secondsTaken.toFixed(1)} s`);
  return { team, token, tag, size, sample, seedSeconds: secondsTaken, seedUsersPerSecond: Math.round(size / secondsTaken) };
}

/** The seeded teams of an earlier run, if their tokens still work; else new ones. */
async function teams() {
  let state = {};
  if (fs.existsSync(stateFile)) state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const ok = async (t, size) => t && t.size === size && (await identity.teams.getTeam(t.team)) !== null;
  let fresh = false;
  if (!(await ok(state.small, SMALL))) {
    state.small = await seedTeam('small', SMALL);
    fresh = true;
  }
  if (!(await ok(state.large, largeSize))) {
    state.large = await seedTeam('large', largeSize);
    fresh = true;
  }
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state));
  return { ...state, fresh };
}

const seeded = await teams();
await db.shutdown();

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
  const byName = (t) => t.sample.map((s) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName(t.tag, s.i)}"`)}`);
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
          const r = await fetch(`${base}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName(t.tag, s.i)}"`)}`, {
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
          setupRequest: (req) => ({ ...req, body: JSON.stringify(seedBody(tag, n++)) }),
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
