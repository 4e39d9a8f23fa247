#!/usr/bin/env node
// Single-member adds (`PATCH /Groups/:id` with `op: add, path: members`, one user each) on groups
// of 1,000 and of 50,000 members: p50/p99 of the add at each size, none lost, and the scim-api's
// RSS under that load. Each size runs twice: with `Prefer: return=minimal` (204, the add alone)
// and as a plain PATCH, whose 200 carries the whole group, every member included (RFC 7644
// §3.5.2), so that one costs what reading and sending the members costs.
//   node bench/scim/members.mjs [sizes, default 1000,50000] [seconds per size, default 10] [connections, default 4]
// The users and the group's existing members are written straight through the persistence stores
// (brig's `user` row and galley's membership per user, then the group's member rows in batches),
// which is what the add path reads; the adds themselves go over HTTP to the built scim-api on the
// local Cassandra node. Not a test: run by hand; record the figures in docs/benchmarks.md.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, machine, peakRss, startApp, scimTeam } from '../lib.mjs';

const require = createRequire(import.meta.url);
const sizes = (process.argv[2] ?? '1000,50000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 4);
/** Users in flight while seeding. */
const SEED_CONCURRENCY = 128;
/** Member rows per store call while seeding (the store splits them into logged batches). */
const MEMBER_CHUNK = 500;
/**
 * Fresh users per size for the adds: more than the adds a run can make (both variants of a size
 * draw from one pool: 3 s of warm-up and `seconds` measured each).
 */
const ADDS_AVAILABLE = Math.max(2000, (seconds + 3) * 1200);
const log = (...a) => console.error('[bench]', ...a);

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const dist = (p) => require(path.join(repoRoot, 'dist', p));
const { CassandraDb, cassandraIdentityStores, cassandraSparStores, CassandraScimGroupStore } = dist('libs/persistence/index.js');
const { loadConfig } = dist('libs/config/index.js');
const { newUserId, systemClock } = dist('libs/domain/index.js');
const { validateUser, scimUserRecord } = dist('apps/scim-api/users/user-input.js');
const { scimExternalSsoId } = dist('apps/scim-api/users/sso-identity.js');

const config = loadConfig();
const db = new CassandraDb(config.cassandra);
await db.connect();
const identity = cassandraIdentityStores(db, systemClock);
const spar = cassandraSparStores(db, systemClock);
const groups = new CassandraScimGroupStore(db);

/** `n` SCIM users of `team` (brig row + membership), `SEED_CONCURRENCY` at a time; returns their ids. */
async function seedUsers(team, tag, n) {
  const ids = new Array(n);
  let next = 0;
  const now = new Date();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const name = `m.${tag}.${i}`;
      const v = validateUser(
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: name, externalId: `${name}@bench.example` },
        { richInfoLimit: config.scim.richInfoLimit, needsEmail: false },
      );
      const uid = newUserId();
      await Promise.all([
        identity.users.put(scimUserRecord(uid, team, v, scimExternalSsoId(v.wire.externalId))),
        identity.teams.addMember({ team, user: uid, role: 'member', invitedBy: null, invitedAt: now }),
      ]);
      ids[i] = uid;
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return ids;
}

/** A team with a group of `size` members and `ADDS_AVAILABLE` more users ready to be added. */
async function seedGroup(size) {
  const { team, token } = await scimTeam({ identity, spar }, `Bench members ${size}`);
  const tag = randomUUID().slice(0, 8);
  const t0 = Date.now();
  const users = await seedUsers(team, tag, size + ADDS_AVAILABLE);
  const now = new Date();
  const gid = randomUUID();
  await groups.create(
    {
      team,
      id: gid,
      displayName: `Bench ${size}`,
      externalId: null,
      created: now,
      lastModified: now,
      version: randomUUID(),
      membersVersion: randomUUID(),
      membersModified: now,
    },
    [],
  );
  const members = users.slice(0, size);
  for (let i = 0; i < members.length; i += MEMBER_CHUNK * 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, k) => members.slice(i + k * MEMBER_CHUNK, i + (k + 1) * MEMBER_CHUNK)).map((chunk) =>
        chunk.length > 0
          ? groups.addMembers(
              team,
              gid,
              chunk.map((user) => ({ user, display: null })),
            )
          : undefined,
      ),
    );
  }
  await groups.touchMembers(team, gid, randomUUID(), new Date());
  const seededIn = (Date.now() - t0) / 1000;
  log(`group of ${size}: seeded ${users.length} users and ${size} members in ${seededIn.toFixed(1)} s`);
  return { team, token, gid, fresh: users.slice(size), seededIn };
}

const variants = [
  { name: '204 (Prefer: return=minimal)', headers: { prefer: 'return=minimal' } },
  { name: '200 with the whole group', headers: {} },
];
const seeded = [];
for (const size of sizes) seeded.push({ size, ...(await seedGroup(size)) });

const port = await freePort();
const { base, child: app } = await startApp('scim-api', {
  SCIM_API_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  // One token drives the whole load: latency of the add, not the per-token rate limit.
  SCIM_TOKEN_RATE_LIMIT: '0',
});
const rows = [];
try {
  for (const s of seeded) {
    let k = 0;
    let size = s.size;
    for (const variant of variants) {
      const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/scim+json', ...variant.headers };
      const addBody = (uid) =>
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: uid }] }],
        });
      const load = (duration) =>
        autocannon({
          url: `${base}/scim/v2/Groups/${s.gid}`,
          method: 'PATCH',
          headers,
          connections,
          duration,
          requests: [
            {
              setupRequest: (req) => {
                if (k >= s.fresh.length) throw new Error('ran out of fresh users: raise ADDS_AVAILABLE');
                return { ...req, body: addBody(s.fresh[k++]) };
              },
              onResponse: (status) => (status === 200 || status === 204) && ok++,
            },
          ],
        });
      // Warm-up on this group, unmeasured (JIT, prepared statements, the group's rows in memory):
      // the same load for 3 s, its adds counted in the members below; then a pause.
      const k0 = k;
      let ok = 0;
      const warm = await load(3);
      await new Promise((res) => setTimeout(res, 2000));
      ok = 0;
      const rssPeak = peakRss(app.pid);
      const r = await load(seconds);
      const rss = rssPeak();
      await new Promise((res) => setTimeout(res, 500)); // requests autocannon left in flight
      const members = (await groups.members(s.team, s.gid)).length;
      // Every request sent added a distinct user: lost = sent and not failed, yet not a member.
      const sent = k - k0;
      rows.push({
        members: size,
        variant: variant.name,
        adds_per_s: Math.round(r.requests.average),
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        adds: ok,
        non2xx: r.non2xx,
        errors: r.errors,
        members_after: members,
        lost: sent - (members - size) - r.non2xx - warm.non2xx,
        rss_mib: rss,
        seeded_in_s: Number(s.seededIn.toFixed(1)),
      });
      log(JSON.stringify(rows.at(-1)));
      size = members;
    }
  }
} finally {
  await new Promise((r) => setTimeout(r, 500));
  app.kill('SIGTERM');
  await db.shutdown();
}
console.log(`Machine: ${machine()}; ${connections} connections, ${seconds} s per size\n`);
console.log('| group members | response | adds/s | p50 ms | p99 ms | adds | non-2xx | members after | lost | scim-api RSS MiB |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.members} | ${r.variant} | ${r.adds_per_s} | ${r.p50_ms} | ${r.p99_ms} | ${r.adds} | ${r.non2xx + r.errors} | ${r.members_after} | ${r.lost} | ${r.rss_mib} |`,
  );
