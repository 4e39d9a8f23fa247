#!/usr/bin/env node
// Login and token-check latency of token-admin on the local Cassandra node and Redis.
//   node bench/token-admin/login.mjs [seconds per phase, default 10]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, pct, machine, peakRss, startApp } from '../lib.mjs';

const require = createRequire(import.meta.url);
const seconds = Number(process.argv[2] ?? 10);

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const keys = require(path.join(repoRoot, 'dist/libs/auth/index.js'));
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keys.generateKeyEntry('bench')]));
const port = await freePort();
const env = {
  TOKEN_ADMIN_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  ACCESS_TOKEN_KEYS_FILE: keysFile,
  RATE_LIMIT_LOGIN_PER_EMAIL: '100000000',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '100000000',
};
const { base, internal, child: app } = await startApp('token-admin', env);
try {
  const email = `${randomUUID()}@bench.example`;
  const password = 'benchmark password';
  const team = await (
    await fetch(`${internal}/i/teams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench', owner: { email, password } }),
    })
  ).json();
  const loginBody = JSON.stringify({ email, password });
  const { access_token } = await (
    await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody })
  ).json();
  const created = await (
    await fetch(`${base}/scim/auth-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ description: 'bench', password }),
    })
  ).json();

  const logins = (connections) =>
    autocannon({
      url: `${base}/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loginBody,
      connections,
      duration: seconds,
    });
  const rssPeak = peakRss(app.pid);
  const login1 = await logins(1);
  const login = await logins(4);
  const self = await autocannon({
    url: `${base}/self`,
    headers: { authorization: `Bearer ${access_token}` },
    connections: 16,
    duration: seconds,
  });
  const rss = rssPeak();

  // The SCIM token check in-process: the token and its lifecycle row read in parallel, plus hashing, as the guard does on a cache miss.
  // Uncached (scimTokenCacheSeconds 0): the reads every check makes when the token cache misses.
  const { openStores } = require(path.join(repoRoot, 'dist/libs/persistence/index.js'));
  const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
  const root = openStores({ backend: 'cassandra', cassandra: loadConfig().cassandra, loginCacheSeconds: 0, scimTokenCacheSeconds: 0 });
  await root.connect();
  const db = { shutdown: () => root.close() };
  const verifier = new keys.ScimTokenVerifier(root.stores.scimTokenAuth, root.stores.spar.scimTokens);
  const samples = [];
  for (let i = 0; i < 3000; i++) {
    const t0 = process.hrtime.bigint();
    if (!(await verifier.verify(created.token))) throw new Error('token did not verify');
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await db.shutdown();
  samples.sort((a, b) => a - b);
  const q = (p) => Number(samples[Math.floor(p * (samples.length - 1))].toFixed(3));

  const result = {
    machine: machine(),
    team: team.team,
    login_1_connection: pct(login1),
    login_4_connections: pct(login),
    accessTokenCheck_GET_self: pct(self),
    scimTokenCheck_inProcess: { samples: samples.length, p50_ms: q(0.5), p99_ms: q(0.99) },
    tokenAdmin_peak_rss_mib_under_load: rss,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  app.kill('SIGTERM');
}
