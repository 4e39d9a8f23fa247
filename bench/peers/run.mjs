#!/usr/bin/env node
// scim-api against its closest Node peer, Ory Polis (npm `@boxyhq/saml-jackson`, the product
// formerly called BoxyHQ SAML Jackson), in one run, through the same client and scenarios:
// GET /Users/:id, GET /Users?filter=userName eq …, GET /Users?startIndex=…&count=100 (a
// sequential walk of pages), PATCH /Users/:id (replace displayName), POST /Users.
//   node bench/peers/run.mjs [--users 1000] [--seconds 10] [--connections 16] [--short] [--only <scenario>] [--no-idp]
// --short is a smoke run (200 users, 2 s per scenario). Each scenario is first run unmeasured for
// 3 s (1 s with --short), then the machine is left alone for 3 s, for both servers alike. Polis runs its directory-sync SCIM
// handler on SQLite (better-sqlite3, default journal and synchronous settings) behind the thin
// node:http server of polis-server.cjs; it is installed on first use into .cache/peers/polis
// (git-ignored), never into the product's package.json. scim-api runs as built, on the local
// Cassandra node with the product's settings (LOCAL_QUORUM, LWT uniqueness), on its own port.
// scim-api's token is bound to an IdP of the team (SCIM users with a SAML identity, who log in by
// SSO: the usual setup); --no-idp uses a token without one, whose creates invite each user by email.
// Both servers are seeded through their own POST /Users with the same users. Prints the ratio
// table (scim-api over Polis: throughput, and p50/p99 latency), CPU per request of scim-api, of
// Cassandra and of Polis (from /proc), and the RSS of both servers under load.
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { cacheDir, repoRoot } from '../../tools/lib/proc.mjs';
import { freePort, machine, peakRss, prepareScimBench, startApp } from '../lib.mjs';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '16' },
    short: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-idp': { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users ?? (args.short ? 200 : 1000));
const SECONDS = Number(args.seconds ?? (args.short ? 2 : 10));
const CONNECTIONS = Number(args.connections);
const WARMUP_SECONDS = args.short ? 1 : 3;
const POLIS = { '@boxyhq/saml-jackson': '26.2.0', 'better-sqlite3': '12.11.1' };
const polisDir = path.join(cacheDir, 'peers', 'polis');
const log = (...a) => console.error('[peers]', ...a);

/** Installs Polis (exact versions) into the bench-only folder, once. */
function installPolis() {
  const have = (name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(polisDir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  if (Object.entries(POLIS).every(([n, v]) => have(n) === v)) return;
  fs.mkdirSync(polisDir, { recursive: true });
  fs.writeFileSync(path.join(polisDir, 'package.json'), JSON.stringify({ name: 'bench-peers-polis', private: true, dependencies: POLIS }));
  log(
    `installing ${Object.entries(POLIS)
      .map(([n, v]) => `${n}@${v}`)
      .join(' ')} into ${polisDir} (a few minutes)`,
  );
  // better-sqlite3 13 crashes on Node 20; 12.x has prebuilt binaries for it.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--engine-strict=false', '--no-package-lock'], {
    cwd: polisDir,
    stdio: 'inherit',
  });
}

/** CPU milliseconds (user + system) of a process, from /proc. */
const cpuMs = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

async function startPolis() {
  const port = await freePort();
  const dbFile = path.join(polisDir, `bench-${process.pid}.db`);
  const child = spawn(process.execPath, [path.join(repoRoot, 'bench/peers/polis-server.cjs'), polisDir, dbFile, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BOXYHQ_NO_ANALYTICS: '1', DO_NOT_TRACK: '1' },
  });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (c) => reject(new Error(`polis-server exited ${c}`)));
  });
  return {
    name: 'Polis (SQLite)',
    child,
    pids: { polis: child.pid },
    usersPath: `/api/scim/v2.0/${ready.directory}/Users`,
    base: `http://127.0.0.1:${port}`,
    headers: { authorization: `Bearer ${ready.secret}`, 'content-type': 'application/scim+json' },
    cleanup: () => fs.rmSync(dbFile, { force: true }),
  };
}

async function startScimApi() {
  const { token, redisUrl } = await prepareScimBench('Bench peers', { withIdp: !args['no-idp'] });
  const port = await freePort();
  const { base, child } = await startApp('scim-api', {
    SCIM_API_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    // One token drives the whole load (Polis has no rate limit): throughput, not the per-token limit.
    SCIM_TOKEN_RATE_LIMIT: '0',
  });
  const cassandraPid = cassandra.pid();
  return {
    name: 'scim-api',
    child,
    pids: { 'scim-api': child.pid, ...(cassandraPid ? { cassandra: cassandraPid } : {}) },
    usersPath: '/scim/v2/Users',
    base,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    cleanup: () => undefined,
  };
}

const userBody = (tag, i, extra = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `${tag}.${i}`,
  externalId: `${tag}-${i}`,
  displayName: `Bench ${i}`,
  name: { givenName: 'Bench', familyName: String(i) },
  emails: [{ value: `${tag}.${i}@bench.example`, type: 'work', primary: true }],
  active: true,
  ...extra,
});

/** Seeds `USERS` users through the server's own POST /Users, 16 in flight; returns their ids and userNames. */
async function seed(s, tag) {
  const users = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < USERS; i = next++) {
        const body = userBody(tag, i);
        const r = await fetch(`${s.base}${s.usersPath}`, { method: 'POST', headers: s.headers, body: JSON.stringify(body) });
        const j = await r.json();
        if (r.status !== 201 || !j.id) throw new Error(`${s.name}: seeding ${body.userName}: ${r.status} ${JSON.stringify(j)}`);
        users[i] = { id: j.id, userName: body.userName };
      }
    }),
  );
  log(`${s.name}: seeded ${USERS} users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return users;
}

/** The scenarios: each yields autocannon options for one server and its seeded users. */
const scenarios = {
  'GET /Users/:id': (s, users) => {
    let k = 0;
    return { requests: [{ setupRequest: (r) => ({ ...r, path: `${s.usersPath}/${users[k++ % users.length].id}` }) }] };
  },
  'GET /Users?filter=userName eq …': (s, users) => {
    let k = 0;
    const path = (u) => `${s.usersPath}?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`;
    return { requests: [{ setupRequest: (r) => ({ ...r, path: path(users[(k++ * 7919) % users.length]) }) }] };
  },
  'GET /Users?startIndex=…&count=100': (s, users) => {
    // The walk clients do: pages of 100 in order, over and over.
    const pages = Math.max(1, Math.floor(users.length / 100));
    let k = 0;
    return { requests: [{ setupRequest: (r) => ({ ...r, path: `${s.usersPath}?startIndex=${(k++ % pages) * 100 + 1}&count=100` }) }] };
  },
  'PATCH /Users/:id (replace displayName)': (s, users) => {
    let k = 0;
    return {
      method: 'PATCH',
      requests: [
        {
          setupRequest: (r) => ({
            ...r,
            path: `${s.usersPath}/${users[k % users.length].id}`,
            body: JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [{ op: 'replace', path: 'displayName', value: `Patched ${k++}` }],
            }),
          }),
        },
      ],
    };
  },
  'POST /Users': (s, users, tag) => {
    let k = 0;
    return {
      method: 'POST',
      requests: [{ setupRequest: (r) => ({ ...r, path: s.usersPath, body: JSON.stringify(userBody(`${tag}-new`, k++)) }) }],
    };
  },
};

async function phase(s, users, tag, name) {
  // Warm-up of the same load, not measured (JIT; index paging's first list recounts the team and
  // trusts the count only after a settle delay), then a pause for background work to finish.
  await autocannon({
    url: `${s.base}${s.usersPath}`,
    headers: s.headers,
    connections: CONNECTIONS,
    duration: WARMUP_SECONDS,
    ...scenarios[name](s, users, `${tag}w`),
  });
  await new Promise((r) => setTimeout(r, 3000));
  const cpu0 = Object.fromEntries(Object.entries(s.pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const rssPeak = peakRss(s.child.pid);
  const r = await autocannon({
    url: `${s.base}${s.usersPath}`,
    headers: s.headers,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...scenarios[name](s, users, tag),
  });
  const rss = rssPeak();
  const n = r.requests.total;
  const cpu = Object.fromEntries(Object.entries(s.pids).map(([k, pid]) => [k, Number(((cpuMs(pid) - cpu0[k]) / n).toFixed(2))]));
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, n, non2xx: r.non2xx, errors: r.errors, cpu, rss };
}

installPolis();
const servers = [];
const tag = `b${Date.now().toString(36)}`;
try {
  servers.push(await startPolis());
  servers.push(await startScimApi());
  const seeded = [];
  for (const s of servers) seeded.push(await seed(s, tag));
  const names = Object.keys(scenarios).filter((n) => !args.only || n.includes(args.only));
  const results = {};
  for (const name of names) {
    results[name] = [];
    // The peer first, then scim-api, scenario by scenario: both see the machine in the same state.
    for (const [i, s] of servers.entries()) {
      const r = await phase(s, seeded[i], tag, name);
      log(`${name} ${s.name}: ${r.rps}/s p50 ${r.p50} ms p99 ${r.p99} ms non-2xx ${r.non2xx} errors ${r.errors}`);
      results[name].push(r);
    }
  }

  const cpuCell = (r) =>
    Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const lines = [
    `Machine: ${machine()}; ${USERS} seeded users, ${CONNECTIONS} connections, ${SECONDS} s per scenario`,
    '',
    '| scenario | Polis (SQLite) | scim-api | ratio (throughput) | p50 ms (Polis / scim-api) | p99 ms (Polis / scim-api) | CPU ms per request | RSS MiB (Polis / scim-api) | non-2xx |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const name of names) {
    const [p, a] = results[name];
    lines.push(
      `| \`${name}\` | ${p.rps}/s | ${a.rps}/s | **${(a.rps / p.rps).toFixed(2)}** | ${p.p50} / ${a.p50} | ${p.p99} / ${a.p99} | ${cpuCell(p)}; ${cpuCell(a)} | ${p.rss} / ${a.rss} | ${p.non2xx + p.errors} / ${a.non2xx + a.errors} |`,
    );
  }
  const worst = Math.min(...names.map((n) => results[n][1].rps / results[n][0].rps));
  lines.push('', `Lowest ratio: ${worst.toFixed(2)} (target: 1.00 or better on every scenario)`);
  console.log(lines.join('\n'));
  const failures = names.filter((n) => results[n].some((r) => r.non2xx + r.errors > 0));
  if (failures.length > 0) console.log(`\nWARNING: failed requests in ${failures.join(', ')}`);
} finally {
  await new Promise((r) => setTimeout(r, 1000));
  for (const s of servers) {
    s.child.kill('SIGTERM');
    s.cleanup();
  }
}
