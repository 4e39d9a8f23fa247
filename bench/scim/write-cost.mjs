#!/usr/bin/env node
// What one SCIM write costs: CPU milliseconds per request of scim-api and of the Cassandra node
// (from /proc), and Cassandra statements per request by name (from the app's /i/metrics), for
// POST /Users (a token without an IdP, as bench/peers/run.mjs) and PATCH /Users/:id (replace
// displayName) on the users just created. Throughput is not printed: on a shared machine it is noise.
//   node bench/scim/write-cost.mjs [creates, default 2000] [patches, default 4000] [connections, default 16]
// Runs the built scim-api (tools/build.mjs) on the local node; for clean Cassandra CPU figures,
// point it at a private node: CASSANDRA_HOME_DIR=<dir> CASSANDRA_PORT=<port>
// CASSANDRA_STORAGE_PORT=<port> CASSANDRA_CONTACT_POINTS=127.0.0.1:<port> (tools/cassandra starts
// one there when nothing answers; stop it with the same variables and `tools/cassandra/cassandra.mjs stop`).
// Not a test: run by hand.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { freePort, prepareScimBench, startApp } from '../lib.mjs';

const creates = Number(process.argv[2] ?? 2000);
const patches = Number(process.argv[3] ?? 4000);
const connections = Number(process.argv[4] ?? 16);
const cqlPort = Number(process.env.CASSANDRA_PORT ?? 9042);

const cpuMs = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
/**
 * CPU ms of a process's threads, by thread name without its number. Cassandra's request stages
 * share one pool of worker threads that take the name of the stage they run, so their CPU can
 * only be told apart from the background threads' (compaction, flush, GC, commit log), not by stage.
 */
function threadCpu(pid) {
  const out = {};
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const raw = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[-:#]?\d+$/, '');
      const name = /Stage|Native-Transpor|RequestRespon|CounterMutation/.test(raw) ? 'request stages (shared workers)' : raw;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}
const listener = (port) => Number(execSync(`ss -ltnp | grep ':${port} ' | grep -o 'pid=[0-9]*' | head -1`).toString().split('=')[1]);

/** Statement counts by name from the Prometheus text (the latency histogram's _count). */
async function statements(internal) {
  const text = await (await fetch(`${internal}/i/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^cassandra_query_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const query = /query="([^"]*)"/.exec(m[1])[1];
    out[query] = (out[query] ?? 0) + Number(m[2]);
  }
  return out;
}

/** Runs `n` requests with `connections` in flight; fails on any non-2xx. */
async function load(n, request) {
  let next = 0;
  const failures = [];
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let i = next++; i < n; i = next++) {
        const r = await request(i);
        if (!r.ok) failures.push(`${r.status} ${await r.text()}`);
        else await r.arrayBuffer();
      }
    }),
  );
  if (failures.length) throw new Error(`${failures.length} failed requests, first: ${failures[0]}`);
}

async function phase(name, n, request, app, cass, internal) {
  const s0 = await statements(internal);
  const a0 = cpuMs(app);
  const c0 = cpuMs(cass);
  const t0 = threadCpu(cass);
  await load(n, request);
  const t1 = threadCpu(cass);
  const a = (cpuMs(app) - a0) / n;
  const c = (cpuMs(cass) - c0) / n;
  const s1 = await statements(internal);
  const per = Object.fromEntries(
    Object.entries(s1)
      .map(([k, v]) => [k, (v - (s0[k] ?? 0)) / n])
      .filter(([, v]) => v > 0)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => [k, Number(v.toFixed(2))]),
  );
  const total = Object.values(per).reduce((x, y) => x + y, 0);
  console.log(`\n${name}: ${n} requests, ${connections} connections`);
  console.log(`  CPU ms per request: scim-api ${a.toFixed(2)}, cassandra ${c.toFixed(2)}`);
  console.log(`  statements per request: ${total.toFixed(2)}`);
  for (const [k, v] of Object.entries(per)) console.log(`    ${String(v).padStart(5)}  ${k}`);
  console.log('  Cassandra CPU ms per request by thread (the largest):');
  const threads = Object.entries(t1)
    .map(([k, v]) => [k, (v - (t0[k] ?? 0)) / n])
    .sort((x, y) => y[1] - x[1])
    .slice(0, 12);
  for (const [k, v] of threads) console.log(`    ${v.toFixed(2).padStart(6)}  ${k}`);
  return { app: a, cassandra: c, statements: total, per };
}

const { token, redisUrl } = await prepareScimBench('Bench write cost', { withIdp: !process.argv.includes('--no-idp') });
const port = await freePort();
const { base, internal, child } = await startApp('scim-api', {
  SCIM_API_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  SCIM_TOKEN_RATE_LIMIT: '0',
});
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
const cass = listener(cqlPort);
const tag = `w${Date.now().toString(36)}`;
const ids = [];
const post = (prefix) => (i) =>
  fetch(`${base}/scim/v2/Users`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `${prefix}.${i}`,
      externalId: `${prefix}-${i}`,
      displayName: `Bench ${i}`,
      name: { givenName: 'Bench', familyName: String(i) },
      emails: [{ value: `${prefix}.${i}@bench.example`, type: 'work', primary: true }],
      active: true,
    }),
  }).then(async (r) => {
    if (r.ok) ids.push((await r.clone().json()).id);
    return r;
  });
try {
  // Warm-up: JIT, prepared statements, connection pools.
  await load(Math.min(500, creates), post(`${tag}-warm`));
  const results = {};
  results.create = await phase('POST /Users', creates, post(tag), child.pid, cass, internal);
  let k = 0;
  results.patch = await phase(
    'PATCH /Users/:id (replace displayName)',
    patches,
    () =>
      fetch(`${base}/scim/v2/Users/${ids[k++ % ids.length]}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: `Patched ${k}` }],
        }),
      }),
    child.pid,
    cass,
    internal,
  );
  console.error(JSON.stringify(results));
} finally {
  child.kill('SIGTERM');
}
