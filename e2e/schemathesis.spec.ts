import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKeyEntry } from '@sso/auth';
import { systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores } from '@sso/persistence';
import { freePort, testConfig } from '@sso/testing';
import { install } from '../tools/schemathesis/schemathesis.mjs';
import { TeamsHandler } from '../apps/token-admin/src/teams/teams.handler';
import { parseJUnit } from './schemathesis-report';

/**
 * schemathesis (PyPI, pinned in tools/schemathesis) against the OpenAPI document each app serves:
 * every response it provokes must be documented (status, content type, body schema) and none may
 * be a 5xx. The run is reproducible: deterministic generation (Hypothesis' derandomize, no
 * example database), one worker. Internal routes (/i/) are left out: they are not the public API.
 * docs/development.md says how to run it alone and replay a failure.
 */
const SEED = 20261204;
const MAX_EXAMPLES = 50;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance', 'content_type_conformance'];
const PASSWORD = 'schemathesis horse battery';

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
const apps = [
  { name: 'saml-sp', portVar: 'SAML_SP_PORT' },
  { name: 'scim-api', portVar: 'SCIM_API_PORT' },
  { name: 'token-admin', portVar: 'TOKEN_ADMIN_PORT' },
] as const;
type AppName = (typeof apps)[number]['name'];

/**
 * The run tries /login hundreds of times from 127.0.0.1: its rate-limit counters go to a Redis
 * database of their own, so that test files after this one are not refused with 429.
 */
function ownRedisDatabase(url: string): string {
  const u = new URL(url);
  u.pathname = '/9';
  return u.toString();
}

interface Running {
  child: ChildProcess;
  base: string;
  out: () => string;
}

describe('schemathesis: each OpenAPI document matches its service', () => {
  let binary: string;
  const running = new Map<AppName, Running>();
  let db: CassandraDb;
  let accessToken: string;
  let scimToken: string;

  async function startApp(name: AppName, portVar: string, env: Record<string, string>): Promise<Running> {
    const port = await freePort();
    const internalPort = await freePort();
    const child = spawn(process.execPath, [path.join(root, `dist/apps/${name}/main.js`)], {
      // The internal port too: its default may be taken by another run's app.
      env: { PATH: process.env.PATH, ...env, [portVar]: String(port), [portVar.replace(/_PORT$/, '_INTERNAL_PORT')]: String(internalPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 30_000; ;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
      if (
        await fetch(`${base}/api-docs/${name}/openapi.json`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`${name} not ready in 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { child, base, out: () => out };
  }

  beforeAll(async () => {
    // First, so that a machine without Python fails here, loudly, before anything starts.
    binary = await install();
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], { stdio: 'ignore' });
    const keysFile = path.join(work, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([generateKeyEntry('schemathesis')]));
    const config = testConfig();
    const { spar, brig, galley } = config.cassandra.keyspaces;
    const env = {
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CASSANDRA_KEYSPACE_SPAR: spar,
      CASSANDRA_KEYSPACE_BRIG: brig,
      CASSANDRA_KEYSPACE_GALLEY: galley,
      REDIS_URL: ownRedisDatabase(inject('redisUrl')),
      ACCESS_TOKEN_KEYS_FILE: keysFile,
      // Thousands of generated requests through one SCIM token: 429s would replace the answers under test.
      SCIM_TOKEN_RATE_LIMIT: '0',
    };
    for (const a of apps) running.set(a.name, await startApp(a.name, a.portVar, env));

    // A team whose owner holds an access token and a SCIM token, so that authenticated routes
    // are exercised past their guards.
    db = new CassandraDb(config.cassandra);
    await db.connect();
    const email = `schemathesis-${randomUUID()}@example.com`;
    await new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock).createTeam({
      name: 'schemathesis',
      owner: { email, password: PASSWORD },
    });
    const tokenAdmin = running.get('token-admin')!.base;
    const login = await fetch(`${tokenAdmin}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    accessToken = ((await login.json()) as { access_token: string }).access_token;
    const created = await fetch(`${tokenAdmin}/scim/auth-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ description: 'schemathesis', password: PASSWORD }),
    });
    expect(created.status).toBe(200);
    scimToken = ((await created.json()) as { token: string }).token;
  }, 300_000);

  /** The tokens still open their routes (a run that only ever saw 401 would test the guards alone). */
  async function expectTokensWork(): Promise<void> {
    const auth = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    expect((await fetch(`${running.get('scim-api')!.base}/scim/v2/Users?count=1`, auth(scimToken))).status).toBe(200);
    expect((await fetch(`${running.get('token-admin')!.base}/self`, auth(accessToken))).status).toBe(200);
    expect((await fetch(`${running.get('saml-sp')!.base}/identity-providers`, auth(accessToken))).status).toBe(200);
  }

  /**
   * The users the run created (the examples create `Alice.Smith`) hold handles, which are unique
   * installation-wide: deleting them through the API frees the handles for the next run.
   */
  async function deleteScimResources(): Promise<void> {
    const base = `${running.get('scim-api')!.base}/scim/v2`;
    const auth = { headers: { authorization: `Bearer ${scimToken}` } };
    for (const kind of ['Users', 'Groups']) {
      const list = (await (await fetch(`${base}/${kind}?count=1000`, auth)).json()) as { Resources: Array<{ id: string }> };
      for (const r of list.Resources) expect((await fetch(`${base}/${kind}/${r.id}`, { method: 'DELETE', ...auth })).status).toBe(204);
    }
  }

  afterAll(async () => {
    if (scimToken && running.has('scim-api')) await deleteScimResources();
    await Promise.all(
      [...running.values()].map(async ({ child }) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await db?.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function run(name: AppName, token: string) {
    const { base } = running.get(name)!;
    const junit = path.join(work, `${name}.xml`);
    const args = [
      'run',
      `${base}/api-docs/${name}/openapi.json`,
      '--url',
      base,
      '--checks',
      CHECKS.join(','),
      // Deterministic generation (Hypothesis' derandomize): the same cases on every run and machine.
      // schemathesis then reports the seed as unused; it is fixed anyway, for whatever else draws on it.
      '--generation-deterministic',
      '--seed',
      String(SEED),
      '--max-examples',
      String(MAX_EXAMPLES),
      '--continue-on-failure',
      '--workers',
      '1',
      '--phases',
      'examples,coverage,fuzzing',
      '--exclude-path-regex',
      '^/i/',
      '--request-timeout',
      '15',
      '--header',
      `Authorization: Bearer ${token}`,
      '--report',
      'junit',
      '--report-junit-path',
      junit,
      '--no-color',
    ];
    const t0 = Date.now();
    // Asynchronous, not spawnSync: a blocked event loop cannot see the apps close idle keep-alive
    // connections, so on a busy machine (a run longer than the keep-alive timeout) the next fetch
    // reused a closed socket ("other side closed").
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }>((resolve) => {
      execFile(binary, args, { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 540_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, error: error ?? undefined }),
      );
    });
    const seconds = (Date.now() - t0) / 1000;
    const output = `${r.stdout}${r.stderr}`;
    if (!fs.existsSync(junit)) throw new Error(`schemathesis wrote no report (exit ${r.status}, ${r.error?.message ?? ''}):\n${output}`);
    return { status: r.status, output, report: parseJUnit(fs.readFileSync(junit, 'utf8')), seconds };
  }

  it.each([
    ['scim-api', () => scimToken, 25],
    ['saml-sp', () => accessToken, 14],
    ['token-admin', () => accessToken, 8],
  ] as const)(
    '%s: zero failures',
    async (name, token, operations) => {
      await expectTokensWork();
      const { status, report, seconds, output } = await run(name, token());
      await expectTokensWork();
      process.stdout.write(
        `schemathesis ${name}: ${report.tests} operations, ${report.failures.length} failures, ${report.errors.length} errors (${seconds.toFixed(0)} s)\n`,
      );
      // Every public operation of the document was tested (a filter or a broken document cannot
      // make the run pass by testing nothing).
      expect(report.tests).toBeGreaterThanOrEqual(operations);
      expect([...report.failures, ...report.errors]).toEqual([]);
      expect(status, output).toBe(0);
    },
    600_000,
  );
});
