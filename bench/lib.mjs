// Helpers shared by the benchmarks (never run as tests).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as cassandra from '../tools/cassandra/cassandra.mjs';
import { freePort, repoRoot } from '../tools/lib/proc.mjs';
import * as redis from '../tools/redis/redis.mjs';

/** Runs a node script from the repository root; rejects on a non-zero exit. */
export const run = (args, env = {}) =>
  new Promise((resolve, reject) =>
    spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' }).on('exit', (c) =>
      c === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${c}`)),
    ),
  );

export { freePort };

/** The figures we record from an autocannon result. */
export const pct = (r) => ({
  rps: Math.round(r.requests.average),
  p50_ms: r.latency.p50,
  p99_ms: r.latency.p99,
  requests: r.requests.total,
  errors: r.errors,
  non2xx: r.non2xx,
});

/** Resident set size of a process in MiB, from /proc. */
export const rssMiB = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

/** Samples a process's RSS every 250 ms until the returned function is called, which gives the peak in MiB. */
export function peakRss(pid) {
  let peak = rssMiB(pid);
  const sample = () => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(sample, 250);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** The machine line for docs/benchmarks.md, with the load at the time. */
export const machine = () =>
  `${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;

/**
 * Starts a built app (`dist/apps/<app>/main.js`) with `env` (its public port included) on a free
 * internal port, and waits until its `/i/status` answers; returns its public and internal base
 * URLs and the child process.
 */
export async function startApp(app, env) {
  const port = Number(Object.entries(env).find(([k]) => k.endsWith('_PORT'))[1]);
  const internalPort = await freePort();
  const internalVar = `${app.toUpperCase().replace('-', '_')}_INTERNAL_PORT`;
  // BENCH_APP_NODE_ARGS: extra node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, `dist/apps/${app}/main.js`], {
    cwd: repoRoot,
    env: { ...process.env, ...env, [internalVar]: String(internalPort) },
    stdio: 'inherit',
  });
  const base = `http://127.0.0.1:${port}`;
  const internal = `http://127.0.0.1:${internalPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${internal}/i/status`)).ok) return { base, internal, child };
    } catch {}
    if (i > 600 || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error(`${app} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The PATCH phase both SCIM benchmarks run: `replace title`, round-robin over `ids`. */
export async function patchRoundRobin(autocannon, { base, headers, ids, connections, seconds }) {
  let k = 0;
  return autocannon({
    url: `${base}/scim/v2/Users/${ids[0]}`,
    method: 'PATCH',
    headers,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `/scim/v2/Users/${ids[k++ % ids.length]}`,
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'title', value: `t${k}` }],
          }),
        }),
      },
    ],
  });
}

/**
 * A team and a SCIM token without IdP, written straight into Cassandra through `identity` and
 * `spar` (the built stores of one connection; `tools/build.mjs` has run). Returns the team id and
 * the token in clear.
 */
export async function scimTeam({ identity, spar }, name, { withIdp = false } = {}) {
  const auth = createRequire(import.meta.url)(path.join(repoRoot, 'dist/libs/auth/index.js'));
  const team = randomUUID();
  await identity.teams.createTeam({ id: team, name, creator: randomUUID(), deleted: false });
  // With an IdP, SCIM users get a SAML identity and log in by SSO (the usual setup); without one
  // they are invited by email (pending until they accept: an invitation and a mail per create).
  const idp = withIdp ? randomUUID() : null;
  if (idp)
    await spar.idps.insert({
      id: idp,
      team,
      issuer: `https://idp.bench.example/${team}`,
      requestUri: 'https://idp.bench.example/sso',
      certs: ['<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: 'Bench IdP',
      domain: null,
    });
  const token = auth.generateScimToken();
  await spar.scimTokens.insert({
    team,
    id: randomUUID(),
    tokenKey: auth.hashScimToken(token),
    createdAt: new Date(),
    idp,
    description: 'bench',
    name: 'bench',
  });
  return { team, token };
}

/**
 * What the SCIM benches do first: the local Cassandra node and Redis (started if needed), the
 * build and the migrations, then a team with a SCIM token (`scimTeam`). Returns the token and
 * Redis's URL for the app.
 */
export async function prepareScimBench(name, opts) {
  await cassandra.start();
  const { url: redisUrl } = await redis.start();
  await run(['tools/build.mjs']);
  await run(['dist/tools/migrate/main.js']);
  const require = createRequire(import.meta.url);
  const { CassandraDb, cassandraIdentityStores, cassandraSparStores } = require(path.join(repoRoot, 'dist/libs/persistence/index.js'));
  const { loadConfig } = require(path.join(repoRoot, 'dist/libs/config/index.js'));
  const { systemClock } = require(path.join(repoRoot, 'dist/libs/domain/index.js'));
  const db = new CassandraDb(loadConfig().cassandra);
  await db.connect();
  try {
    const { token } = await scimTeam(
      { identity: cassandraIdentityStores(db, systemClock), spar: cassandraSparStores(db, systemClock) },
      name,
      opts,
    );
    return { token, redisUrl };
  } finally {
    await db.shutdown();
  }
}

/** The userName of seeded user `i` of a team seeded with `tag` (seededScimTeams). */
export const seedUserName = (tag, i) => `seed.${tag}.${i}`;

/** The SCIM body of seeded user `i` (what seededScimTeams writes; POST it for one more). */
export const seedUserBody = (tag, i) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: seedUserName(tag, i),
  externalId: `${seedUserName(tag, i)}@bench.example`,
  displayName: `Seed ${i}`,
  name: { givenName: 'Seed', familyName: String(i) },
  emails: [{ value: `${seedUserName(tag, i)}@bench.example`, type: 'work', primary: true }],
});

/**
 * Two teams of SCIM users, `small` and `large` ({ team, token, tag, size, sample, seedSeconds,
 * seedUsersPerSecond }; `sample` holds every size/1000-th user as { i, uid }), seeded straight into
 * Cassandra through the persistence stores of the built dist with the rows CreateUser.create writes
 * for a token without IdP: scim_external (claimed, then marked created), user_handle,
 * scim_user_doc with its times, user, team_member, scim_user_times; 128 users in flight, the
 * writes of one user in parallel (nothing else is in flight for its keys). The per-team count is
 * left alone, as on an install from before it existed. Remembered in `stateFile` and reused by
 * later runs while the teams exist (`fresh` says whether any was seeded now); delete the file to
 * seed again. Call after the build and the migrations.
 */
export async function seededScimTeams(stateFile, { small, large }, label) {
  const require = createRequire(import.meta.url);
  const dist = (p) => require(path.join(repoRoot, 'dist', p));
  const { CassandraDb, cassandraIdentityStores, cassandraSparStores, CassandraScimUserDocStore } = dist('libs/persistence/index.js');
  const { loadConfig } = dist('libs/config/index.js');
  const { newUserId, systemClock } = dist('libs/domain/index.js');
  const { validateUser, scimUserRecord } = dist('apps/scim-api/users/user-input.js');
  const { versionOf } = dist('apps/scim-api/users/user-reader.js');
  const { scimExternalSsoId } = dist('apps/scim-api/users/sso-identity.js');
  const config = loadConfig();
  const db = new CassandraDb(config.cassandra);
  await db.connect();
  const identity = cassandraIdentityStores(db, systemClock);
  const spar = cassandraSparStores(db, systemClock);
  const docs = new CassandraScimUserDocStore(db);
  const log = (...a) => console.error('[bench]', ...a);

  async function seedOne(team, tag, i) {
    const v = validateUser(seedUserBody(tag, i), { richInfoLimit: config.scim.richInfoLimit, needsEmail: true });
    const uid = newUserId();
    const now = new Date();
    const [c, h, d] = await Promise.all([
      spar.scimExternal.claim(team, v.wire.externalId, uid),
      identity.users.claimHandle(v.wire.handle, uid),
      docs.create({ uid, doc: JSON.stringify(v.doc), version: versionOf(uid, v.doc), times: { createdAt: now, lastUpdatedAt: now } }),
      identity.users.put(scimUserRecord(uid, team, v, scimExternalSsoId(v.wire.externalId))),
      identity.teams.addMember({ team, user: uid, role: v.wire.role ?? 'member', invitedBy: null, invitedAt: now }),
      spar.scimUserTimes.put({ uid, createdAt: now, lastUpdatedAt: now }),
    ]);
    if (!c.ok || !h.ok || !d.ok) throw new Error(`seeding ${seedUserName(tag, i)}: a key is taken`);
    await spar.scimExternal.markCreated(team, v.wire.externalId, uid);
    return uid;
  }

  async function seedTeam(which, size) {
    const { team, token } = await scimTeam({ identity, spar }, `${label} ${which}`);
    const tag = randomUUID().slice(0, 8);
    const sample = [];
    const every = Math.max(1, Math.floor(size / 1000));
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < size; i = next++) {
        const uid = await seedOne(team, tag, i);
        if (i % every === 0) sample.push({ i, uid });
        if ((i + 1) % 10_000 === 0) log(`${which}: ${i + 1} users, ${Math.round(((i + 1) * 1000) / (Date.now() - t0))}/s`);
      }
    };
    await Promise.all(Array.from({ length: 128 }, worker));
    const seconds = (Date.now() - t0) / 1000;
    log(`${which}: seeded ${size} users in ${seconds.toFixed(1)} s`);
    return { team, token, tag, size, sample, seedSeconds: seconds, seedUsersPerSecond: Math.round(size / seconds) };
  }

  try {
    const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
    const usable = async (t, size) => t && t.size === size && Array.isArray(t.sample) && (await identity.teams.getTeam(t.team)) !== null;
    let fresh = false;
    for (const [which, size] of [
      ['small', small],
      ['large', large],
    ]) {
      if (await usable(state[which], size)) continue;
      state[which] = await seedTeam(which, size);
      fresh = true;
    }
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, JSON.stringify(state));
    return { small: state.small, large: state.large, fresh };
  } finally {
    await db.shutdown();
  }
}
