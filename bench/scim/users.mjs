#!/usr/bin/env node
// SCIM Users throughput and latency of scim-api on the local Cassandra node:
// create, get by id, filter userName eq, list (one page of a team), patch.
//   node bench/scim/users.mjs [seconds per phase, default 10] [connections, default 8]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, pct, machine, startApp, patchRoundRobin, scimTeam } from '../lib.mjs';

const require = createRequire(import.meta.url);
const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 8);

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const port = await freePort();
const env = { SCIM_API_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, SCIM_MAX_RESULTS: '1000' };
// One token drives the whole load: measure throughput, not the per-token rate limit.
env.SCIM_TOKEN_RATE_LIMIT = '0';
const { base, child: app } = await startApp('scim-api', env);
try {
  // A team and a SCIM token without IdP, straight into Cassandra.
  const { CassandraDb, cassandraIdentityStores, cassandraSparStores } = require(path.join(repoRoot, 'dist/libs/persistence/index.js'));
  const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
  const db = new CassandraDb(loadConfig().cassandra);
  await db.connect();
  const { token } = await scimTeam({ identity: cassandraIdentityStores(db), spar: cassandraSparStores(db) }, 'Bench');
  await db.shutdown();

  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const tag = randomUUID().slice(0, 8);
  let n = 0;
  const created = [];
  const body = () => {
    const u = `bench.${tag}.${n++}`;
    return JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: u,
      externalId: `${u}@bench.example`,
      displayName: `Bench ${n}`,
      name: { givenName: 'Bench', familyName: String(n) },
      emails: [{ value: `${u}@bench.example`, type: 'work', primary: true }],
    });
  };
  const create = await autocannon({
    url: `${base}/scim/v2/Users`,
    method: 'POST',
    headers,
    connections,
    duration: seconds,
    requests: [
      { setupRequest: (req) => ({ ...req, body: body() }), onResponse: (status, b) => status === 201 && created.push(JSON.parse(b).id) },
    ],
  });
  const one = created[0];
  const oneName = `bench.${tag}.0`;
  const get = await autocannon({ url: `${base}/scim/v2/Users/${one}`, headers, connections, duration: seconds });
  const filterEq = await autocannon({
    url: `${base}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${oneName}"`)}`,
    headers,
    connections,
    duration: seconds,
  });
  const list = await autocannon({ url: `${base}/scim/v2/Users?startIndex=1&count=100`, headers, connections, duration: seconds });
  const patch = await patchRoundRobin(autocannon, { base, headers: headers, ids: created, connections, seconds });

  const result = {
    machine: machine(),
    connections,
    secondsPerPhase: seconds,
    teamSizeAfterCreate: created.length,
    create_POST_Users: pct(create),
    get_by_id: pct(get),
    filter_userName_eq: pct(filterEq),
    list_first_100_of_team: pct(list),
    patch_replace_title: pct(patch),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  app.kill('SIGTERM');
}
