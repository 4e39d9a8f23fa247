#!/usr/bin/env node
// Cost of a SAML login at the ACS against the bare library, in one run, on the same responses
// (local Cassandra node and Redis):
//   A. node-saml's validatePostResponseAsync alone (one SAML instance for the IdP, built once):
//      the floor any ACS built on node-saml pays;
//   B. libs/saml validateResponse in-process (strict parse, algorithm allow-list, node-saml,
//      every profile check on the signed bytes), with in-memory request and replay ports;
//   C. POST /sso/finalize-login/<team> over HTTP, end to end: IdP lookup, request consume (LWT)
//      and replay claim (LWT), verdict, user lookup, session cookie. Once with 1 connection,
//      once with 4.
// Every response answers its own AuthnRequest issued by the running saml-sp, so the same
// responses pass A, B and C. A and B run in this process, one call at a time, interleaved on each
// response (logins/s = 1 / mean call time).
//   node bench/acs/acs.mjs [responses per HTTP phase, default 500]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, machine, peakRss } from '../lib.mjs';

const require = createRequire(import.meta.url);
const count = Number(process.argv[2] ?? 500);
const USERS = 50;
const quantile = (sorted, p) => Number(sorted[Math.floor(p * (sorted.length - 1))].toFixed(2));

/**
 * Runs a and b over every item, interleaved (a then b, then b then a, ...) so both see the same
 * machine state; logins/s = items / summed call time; p50/p99 per call.
 */
async function interleaved(items, a, b) {
  for (const it of items.slice(0, 20)) {
    await a(it); // warm-up (JIT), not counted
    await b(it);
  }
  const samples = { a: [], b: [] };
  // CPU of this whole process (all threads: GC and JIT helpers too) during each call, to compare
  // with saml-sp's CPU per login, which is read the same way from /proc.
  const cpu = { a: 0, b: 0 };
  const timed = async (key, fn, it) => {
    const c = process.cpuUsage();
    const s = process.hrtime.bigint();
    await fn(it);
    samples[key].push(Number(process.hrtime.bigint() - s) / 1e6);
    const d = process.cpuUsage(c);
    cpu[key] += (d.user + d.system) / 1000;
  };
  for (let i = 0; i < items.length; i++) {
    if (i % 2 === 0) {
      await timed('a', a, items[i]);
      await timed('b', b, items[i]);
    } else {
      await timed('b', b, items[i]);
      await timed('a', a, items[i]);
    }
  }
  const stats = (xs, cpuMs) => {
    const total = xs.reduce((x, y) => x + y, 0);
    xs.sort((x, y) => x - y);
    return {
      logins: xs.length,
      logins_per_s: Math.round((xs.length / total) * 1000),
      p50_ms: quantile(xs, 0.5),
      p99_ms: quantile(xs, 0.99),
      cpu_ms_per_call: Number((cpuMs / xs.length).toFixed(2)),
    };
  };
  return [stats(samples.a, cpu.a), stats(samples.b, cpu.b)];
}

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs', '--dev']);
await run(['dist/tools/migrate/main.js']);

const dist = (p) => require(path.join(repoRoot, 'dist', p));
const auth = dist('libs/auth/index.js');
const domain = dist('libs/domain/index.js');
const saml = dist('libs/saml/index.js');
const { TestIdp, b64 } = dist('libs/testing/saml-idp.js');
const { CassandraDb, cassandraIdentityStores } = dist('libs/persistence/index.js');
const { loadConfig } = dist('libs/config/index.js');
const { SAML } = require('@node-saml/node-saml');

const keyEntry = auth.generateKeyEntry('bench');
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keyEntry]));
const [port, internalPort] = [await freePort(), await freePort()];
const base = `http://127.0.0.1:${port}`;
const internal = `http://127.0.0.1:${internalPort}`;
const env = {
  SAML_SP_PORT: String(port),
  SAML_SP_INTERNAL_PORT: String(internalPort),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  ACCESS_TOKEN_KEYS_FILE: keysFile,
  SAML_SP_SSO_URI: `${base}/sso`,
};
// BENCH_APP_NODE_ARGS: extra node flags for saml-sp, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its CPU goes.
const appArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
const app = spawn(process.execPath, [...appArgs, 'dist/apps/saml-sp/main.js'], {
  cwd: repoRoot,
  env: { ...process.env, ...env },
  stdio: 'inherit',
});
const db = new CassandraDb(loadConfig().cassandra);
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${internal}/i/status`)).ok) break;
    } catch {}
    // 60 s: on a loaded machine the Nest start alone can take 10-20 s.
    if (i > 600) throw new Error('saml-sp did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const idp = await TestIdp.create();

  await db.connect();
  const identity = cassandraIdentityStores(db, domain.systemClock);
  const team = domain.newTeamId();
  const owner = domain.newUserId();
  await identity.teams.createTeam({ id: team, name: 'Bench', creator: owner, deleted: false });
  await identity.users.put(domain.newUserRecord({ id: owner, team, name: 'Owner' }));
  await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
  const token = await new auth.TokenService(auth.keyRingFromEntries([keyEntry]), domain.systemClock, 900).issueAccess(owner);
  const created = await fetch(`${base}/identity-providers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    body: idp.metadata(),
  });
  if (created.status !== 201) throw new Error(`IdP creation: ${created.status} ${await created.text()}`);
  const stored = await created.json();
  const acs = `${base}/sso/finalize-login/${team}`;

  /** Fresh AuthnRequests from the running saml-sp, each answered by one signed Response. */
  const responses = async (n, nameId) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const form = await (await fetch(`${base}/sso/initiate-login/${stored.id}`)).text();
      const requestId = /ID="([^"]+)"/.exec(Buffer.from(/value="([^"]+)"/.exec(form)[1], 'base64').toString())[1];
      out.push(b64(idp.response({ sp: acs, requestId, nameId: nameId(i), notOnOrAfter: 1200 }).xml));
    }
    return out;
  };
  const post = (field) =>
    fetch(acs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${encodeURIComponent(field)}`,
    });
  // First logins provision the users; the measured logins are returning users.
  for (const f of await responses(USERS, (i) => `bench-${i}@example.com`)) {
    const r = await post(f);
    if (!(await r.text()).includes('wire:sso:success')) throw new Error(`warm-up login failed: ${r.status}`);
  }
  const fields = await responses(2 * count, (i) => `bench-${i % USERS}@example.com`);

  // A. The bare library call, SAML built once for this IdP.
  const bareOptions = {
    idpCert: stored.metadata.certAuthnResponse.map((k) => saml.pemOf(saml.certFromKeyInfo(k))),
    issuer: acs,
    callbackUrl: acs,
    audience: acs,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: 60_000,
    validateInResponseTo: 'never',
    disableRequestedAuthnContext: true,
  };
  const bare = new SAML(bareOptions);
  const bareCall = async (f) => {
    const { profile } = await bare.validatePostResponseAsync({ SAMLResponse: f });
    if (!profile) throw new Error('bare node-saml: no profile');
  };

  // B. Our whole check in-process (request and replay ports in memory: no Cassandra).
  const loginIdp = { id: stored.id, issuer: stored.metadata.issuer, certs: stored.metadata.certAuthnResponse };
  const ports = {
    findIdp: async () => loginIdp,
    consumeRequest: async () => 'consumed',
    allowsIdpInitiated: async () => false,
    claimAssertion: async () => true,
  };
  const fullCall = async (f) => {
    const out = await saml.validateResponse(f, { spEntityId: acs, clockSkewSeconds: 60, maxttlAuthresp: 7200, now: new Date() }, ports);
    if (out.kind !== 'granted') throw new Error(`validateResponse: ${JSON.stringify(out)}`);
  };
  const [bareResult, fullResult] = await interleaved(fields, bareCall, fullCall);
  // A again, alone in a process of its own: its CPU per call read as saml-sp's is (bare-cpu.mjs).
  const bareInput = path.join(path.dirname(keysFile), 'bare.json');
  fs.writeFileSync(bareInput, JSON.stringify({ options: bareOptions, fields }));
  const bareAlone = JSON.parse(
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'bench/acs/bare-cpu.mjs'), bareInput], { cwd: repoRoot });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bare-cpu.mjs exited ${code}`))));
    }),
  );

  // C. The ACS over HTTP, first half with 1 connection, second half with 4.
  const http = async (bodies, connections) => {
    let next = 0;
    let granted = 0;
    // Timed here, not from autocannon's start and finish: with a fixed amount of requests it
    // notices the end only at its next one-second sample tick, which rounds a 2.1 s run up to 3 s.
    const t0 = performance.now();
    let tLast = t0;
    const r = await autocannon({
      url: acs,
      connections,
      amount: bodies.length,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          setupRequest: (req) => ({ ...req, body: `SAMLResponse=${encodeURIComponent(bodies[next++])}` }),
          onResponse: (_status, body) => {
            tLast = performance.now();
            if (body.includes('<title>wire:sso:success</title>')) granted++;
          },
        },
      ],
    });
    const seconds = (tLast - t0) / 1000;
    return {
      connections,
      logins: bodies.length,
      granted,
      logins_per_s: Math.round(granted / seconds),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors,
      non2xx: r.non2xx,
    };
  };
  /** CPU milliseconds a process has used (user + system), from /proc. */
  const cpuMs = (pid) => {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * (1000 / 100);
  };
  const cassandraPid = cassandra.pid();
  const cpu0 = { app: cpuMs(app.pid), db: cassandraPid ? cpuMs(cassandraPid) : 0 };
  const rssPeak = peakRss(app.pid);
  const http1 = await http(fields.slice(0, count), 1);
  const http4 = await http(fields.slice(count), 4);
  const samlSpPeakRssMiB = rssPeak();
  const samlSpMs = (cpuMs(app.pid) - cpu0.app) / (2 * count);
  const cpuPerLogin = {
    saml_sp_ms: Number(samlSpMs.toFixed(2)),
    saml_sp_vs_bare_wall: Number((samlSpMs / (1000 / bareResult.logins_per_s)).toFixed(2)),
    saml_sp_vs_bare_cpu: Number((samlSpMs / bareResult.cpu_ms_per_call).toFixed(2)),
    saml_sp_vs_bare_alone_cpu: Number((samlSpMs / bareAlone.cpu_ms_per_call).toFixed(2)),
    cassandra_ms: cassandraPid
      ? Number(((cpuMs(cassandraPid) - cpu0.db) / (2 * count)).toFixed(2))
      : 'unknown (node not started by this machine)',
  };
  // Mean time of each Cassandra statement the HTTP logins ran, from saml-sp's own metrics.
  const metrics = await (await fetch(`${internal}/i/metrics`)).text();
  const stat = (kind, q) =>
    Number(new RegExp(`cassandra_query_duration_seconds_${kind}\\{[^}]*query="${q}"[^}]*\\} ([0-9.e+-]+)`).exec(metrics)?.[1] ?? 0);
  const statements = Object.fromEntries(
    [
      'issuer_idp_v2.get',
      'idp.get',
      'authreq.consume',
      'authresp.claim',
      'verdict.get',
      'user_v2.get',
      'user.get',
      'user_cookies.insert',
      // The team activity log's writes, in the background after each login.
      'team_activity.insert',
      'team_activity_bucket.insert',
    ].map((q) => [q, { count: stat('count', q), mean_ms: Number(((stat('sum', q) / Math.max(1, stat('count', q))) * 1000).toFixed(2)) }]),
  );
  if (http1.granted !== count || http4.granted !== count)
    throw new Error(`HTTP logins not all granted: ${http1.granted}, ${http4.granted}`);

  const ratio = (x) => Number((x / bareResult.logins_per_s).toFixed(2));
  console.log(
    JSON.stringify(
      {
        machine: machine(),
        A_bare_node_saml: bareResult,
        A_bare_node_saml_alone: bareAlone,
        B_validateResponse_in_process: { ...fullResult, vs_bare: ratio(fullResult.logins_per_s) },
        C_acs_http_1_connection: { ...http1, vs_bare: ratio(http1.logins_per_s) },
        C_acs_http_4_connections: { ...http4, vs_bare: ratio(http4.logins_per_s) },
        C_cpu_per_login: cpuPerLogin,
        C_saml_sp_peak_rss_mib: samlSpPeakRssMiB,
        C_statements: statements,
      },
      null,
      2,
    ),
  );
} finally {
  app.kill('SIGTERM');
  await db.shutdown();
}
