#!/usr/bin/env node
// Cost of a SAML login at the ACS, on the local Cassandra node and Redis:
//   1. validateResponse in-process (parse, algorithm checks, node-saml signature check,
//      post-checks), with in-memory request and replay ports;
//   2. POST /sso/finalize-login/<team> over HTTP, each response for its own fresh AuthnRequest:
//      request consume (LWT), replay claim (LWT), user lookup, session cookie.
//   node bench/saml-sp/acs.mjs [responses per phase, default 1000]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { repoRoot } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';

const require = createRequire(import.meta.url);
const count = Number(process.argv[2] ?? 1000);
const run = (args) =>
  new Promise((resolve, reject) =>
    spawn(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${c}`)))),
  );
const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const quantiles = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => Number(s[Math.floor(p * (s.length - 1))].toFixed(3));
  return { samples: s.length, p50_ms: q(0.5), p99_ms: q(0.99) };
};

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const dist = (p) => require(path.join(repoRoot, 'dist', p));
const auth = dist('libs/auth/index.js');
const domain = dist('libs/domain/index.js');
const saml = dist('libs/saml/index.js');
const { TestIdp, b64 } = dist('libs/testing/saml-idp.js');
const { CassandraDb, cassandraIdentityStores } = dist('libs/persistence/index.js');
const { loadConfig } = dist('libs/config/index.js');

const keyEntry = auth.generateKeyEntry('bench');
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keyEntry]));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = { SAML_SP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, ACCESS_TOKEN_KEYS_FILE: keysFile, SAML_SP_SSO_URI: `${base}/sso` };
const app = spawn(process.execPath, ['dist/apps/saml-sp/main.js'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
const db = new CassandraDb(loadConfig().cassandra);
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/i/status`)).ok) break;
    } catch {}
    if (i > 100) throw new Error('saml-sp did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const idp = await TestIdp.create();

  // 1. In-process validation.
  const sp = 'https://sp.example.com/sso/finalize-login';
  const certs = [saml.keyInfoXml(idp.key.certBase64)];
  const inProcess = [];
  for (let i = 0; i < count; i++) {
    const requestId = `_bench-${i}`;
    const field = b64(idp.response({ sp, requestId, nameId: 'bench@example.com' }).xml);
    const t0 = process.hrtime.bigint();
    const out = await saml.validateResponse(
      field,
      { spEntityId: sp, clockSkewSeconds: 60, maxttlAuthresp: 7200, now: new Date() },
      { findIdp: async () => ({ id: 'bench', issuer: idp.issuer, certs }), consumeRequest: async () => ({ idpIssuer: idp.issuer }), claimAssertion: async () => true },
    );
    inProcess.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (out.kind !== 'granted') throw new Error(`in-process validation: ${JSON.stringify(out)}`);
  }

  // 2. Over HTTP, against Cassandra.
  await db.connect();
  const identity = cassandraIdentityStores(db, domain.systemClock);
  const team = domain.newTeamId();
  const owner = domain.newUserId();
  await identity.teams.createTeam({ id: team, name: 'Bench', creator: owner, deleted: false });
  await identity.users.put({ id: owner, team, name: 'Owner', handle: null, email: null, emailUnvalidated: null, language: null, country: null, status: 'active', managedBy: 'wire', ssoId: null, passwordHash: null, activated: true });
  await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
  const token = await new auth.TokenService(auth.keyRingFromEntries([keyEntry]), domain.systemClock, 900).issueAccess(owner);
  const created = await fetch(`${base}/identity-providers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' }, body: idp.metadata() });
  if (created.status !== 201) throw new Error(`IdP creation: ${created.status} ${await created.text()}`);
  const idpId = (await created.json()).id;
  const acs = `${base}/sso/finalize-login/${team}`;
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const form = await (await fetch(`${base}/sso/initiate-login/${idpId}`)).text();
    const requestId = /ID="([^"]+)"/.exec(Buffer.from(/value="([^"]+)"/.exec(form)[1], 'base64').toString())[1];
    bodies.push(`SAMLResponse=${encodeURIComponent(b64(idp.response({ sp: acs, requestId, nameId: `bench-${i % 50}@example.com` }).xml))}`);
  }
  let next = 0;
  let granted = 0;
  const http = await autocannon({
    url: acs,
    connections: 4,
    amount: count,
    requests: [
      {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, setupRequest: (req) => ({ ...req, body: bodies[next++] }), onResponse: (_status, body) => {
          if (body.includes('<title>wire:sso:success</title>')) granted++;
        },
      },
    ],
  });

  console.log(
    JSON.stringify(
      {
        machine: `${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        validateResponse_inProcess: quantiles(inProcess),
        finalizeLogin_http_4_connections: { rps: Math.round(http.requests.average), p50_ms: http.latency.p50, p99_ms: http.latency.p99, errors: http.errors, non2xx: http.non2xx, granted },
      },
      null,
      2,
    ),
  );
} finally {
  app.kill('SIGTERM');
  await db.shutdown();
}
