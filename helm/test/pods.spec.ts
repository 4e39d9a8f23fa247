// The chart's pods start: render the chart (the defaults plus the required values, and
// ci/production-values.yaml), then run the migration Job and each Deployment as local processes with
// exactly the pod's command, environment and mounted files. Overridden, because it cannot exist
// here: Cassandra's address, TLS, credentials, replication and keyspaces; Redis's address and mode;
// the ports (free ones). Then one SCIM cursor walk across two scim-api replicas.
import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKeyEntry } from '@sso/auth';
import { loadConfig } from '@sso/config';
import { CassandraDb } from '@sso/persistence';
import { ensureHelm, render, valuesSets } from '../../tools/helm/helm.mjs';
import { freePort } from '@sso/testing';
import { type K8sObject, type LocalPod, type Proc, localPod, objectStore, repoRoot, runPod, waitForStatus } from './pods';

/**
 * The pods' Redis: a logical database of their own, emptied first, so token-admin's login rate
 * limits count only this file's logins (every test file logs in from the same loopback address).
 */
function podsRedisUrl(): string {
  const url = new URL(inject('redisUrl'));
  url.pathname = '/9';
  return url.toString();
}

const portVars: Record<string, [string, string]> = {
  'saml-sp': ['SAML_SP_PORT', 'SAML_SP_INTERNAL_PORT'],
  'scim-api': ['SCIM_API_PORT', 'SCIM_API_INTERNAL_PORT'],
  'token-admin': ['TOKEN_ADMIN_PORT', 'TOKEN_ADMIN_INTERNAL_PORT'],
};
/** Every variable the test may change in a pod's environment; the test fails if it changes another. */
/** TLS and credentials of the chart's Cassandra: dropped, the local node has neither. */
const cassandraAccess = [
  'CASSANDRA_TLS_CA_FILE',
  'CASSANDRA_TLS_CERT_FILE',
  'CASSANDRA_TLS_KEY_FILE',
  'CASSANDRA_TLS_REJECT_UNAUTHORIZED',
  'CASSANDRA_USERNAME',
  'CASSANDRA_PASSWORD',
];

const overridable = new Set([
  'CASSANDRA_CONTACT_POINTS',
  'CASSANDRA_LOCAL_DATACENTER',
  'CASSANDRA_TLS_ENABLED',
  ...cassandraAccess,
  'CASSANDRA_REPLICATION',
  'CASSANDRA_KEYSPACE_SPAR',
  'CASSANDRA_KEYSPACE_BRIG',
  'CASSANDRA_KEYSPACE_GALLEY',
  'REDIS_URL',
  'REDIS_MODE',
  'REDIS_NODES',
  'REDIS_SENTINEL_MASTER_NAME',
  ...Object.values(portVars).flat(),
]);

const local = loadConfig({ env: { CASSANDRA_CONTACT_POINTS: process.env.CASSANDRA_CONTACT_POINTS } }).cassandra;

/**
 * What cannot exist on this machine. Replication: the chart's NetworkTopologyStrategy names dc1/dc2
 * (production) or 3 replicas in datacenter1 (defaults); one local node in datacenter1 can meet
 * neither at LOCAL_QUORUM, so the class stays and the datacenters become {datacenter1: 1}.
 * Keyspaces: this run's own, so that nothing clashes with other tests on the shared node.
 */
function localize(env: Record<string, string>, keyspacePrefix: string, ports: Record<string, string>): Record<string, string> {
  const out = { ...env, ...ports };
  out.CASSANDRA_CONTACT_POINTS = local.contactPoints.join(',');
  out.CASSANDRA_LOCAL_DATACENTER = local.localDataCenter;
  out.CASSANDRA_TLS_ENABLED = 'false';
  for (const k of cassandraAccess) delete out[k];
  const replication = JSON.parse(env.CASSANDRA_REPLICATION ?? '{}');
  out.CASSANDRA_REPLICATION = JSON.stringify(
    replication.class === 'NetworkTopologyStrategy'
      ? { class: 'NetworkTopologyStrategy', datacenters: { [local.localDataCenter]: 1 } }
      : { class: 'SimpleStrategy', replicationFactor: 1 },
  );
  for (const ks of ['spar', 'brig', 'galley']) out[`CASSANDRA_KEYSPACE_${ks.toUpperCase()}`] = `${keyspacePrefix}_${ks}`;
  if ('REDIS_MODE' in env) out.REDIS_MODE = 'standalone';
  delete out.REDIS_NODES;
  delete out.REDIS_SENTINEL_MASTER_NAME;
  if ('REDIS_URL' in env) out.REDIS_URL = podsRedisUrl();
  const changed = Object.keys({ ...env, ...out }).filter((k) => env[k] !== out[k]);
  const unexpected = changed.filter((k) => !overridable.has(k));
  if (unexpected.length) throw new Error(`the test would change ${unexpected.join(', ')}`);
  return out;
}

/** The content of the Secrets production-values.yaml names (existingSecret): what an operator creates. */
function operatorSecrets(): Record<string, Record<string, string>> {
  const tlsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const ca = fs
    .readFileSync(path.join(repoRoot, 'helm/sso/ci/production-values.yaml'), 'utf8')
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]
    .replace(/^ +/gm, '');
  return {
    'sso-scim-cursor-key': { 'cursor-key': randomBytes(32).toString('base64url') },
    'sso-redis': { 'redis-url': podsRedisUrl() },
    'sso-access-token-keys': { 'keys.json': JSON.stringify([generateKeyEntry('operator-made')]) },
    'cassandra-client-tls': { 'ca.crt': ca, 'tls.crt': ca, 'tls.key': tlsKey },
  };
}

let helm: string;
beforeAll(async () => {
  const redis = new Redis(podsRedisUrl(), { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
  helm = ensureHelm();
  execFileSync(process.execPath, [path.join(repoRoot, 'tools/build.mjs')], { stdio: 'ignore' });
}, 900_000);

/** The chart's value sets, and multi-ingress on top of the required values (saml-sp's per-host SPs). */
const podSets = [
  ...valuesSets(),
  { name: 'multi-ingress', files: [...valuesSets()[0]!.files, path.join(repoRoot, 'helm/test/multi-ingress-values.yaml')] },
];

describe.each(podSets.map((s) => [s.name, s.files] as const))('the pods of the chart (%s) start', (set, files) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pods-'));
  const keyspacePrefix = `pods_${randomBytes(4).toString('hex')}`;
  const procs: Proc[] = [];
  let objs: K8sObject[];
  let store: ReturnType<typeof objectStore>;
  const deployment = (app: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === `sso-${app}`)!;

  /** An app's pod as a local process on free ports; returns its public and internal base URLs. */
  async function startApp(
    app: string,
    envChange: Record<string, string> = {},
  ): Promise<{ proc: Proc; pub: string; internal: string; pod: LocalPod }> {
    const [pubPort, internalPort] = [await freePort(), await freePort()];
    const pod = localPod(deployment(app), store, path.join(root, `${app}-${pubPort}`));
    pod.env = {
      ...localize(pod.env, keyspacePrefix, { [portVars[app][0]]: String(pubPort), [portVars[app][1]]: String(internalPort) }),
      ...envChange,
    };
    const proc = runPod(pod);
    procs.push(proc);
    return { proc, pub: `http://127.0.0.1:${pubPort}`, internal: `http://127.0.0.1:${internalPort}`, pod };
  }

  beforeAll(() => {
    objs = render(helm, [...files]);
    store = objectStore(objs, set === 'defaults' ? {} : operatorSecrets());
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    const db = new CassandraDb({
      ...local,
      keyspaces: { spar: `${keyspacePrefix}_spar`, brig: `${keyspacePrefix}_brig`, galley: `${keyspacePrefix}_galley` },
    });
    await db.connect();
    for (const ks of ['spar', 'brig', 'galley']) await db.ddl(`DROP KEYSPACE IF EXISTS ${keyspacePrefix}_${ks}`);
    await db.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('the migration Job runs the image command with the pod environment and exits 0', async () => {
    const job = objs.find((o) => o.kind === 'Job')!;
    const pod = localPod(job, store, path.join(root, 'migrate'));
    expect(pod.command).toEqual(['node', 'dist/tools/migrate/main.js']);
    pod.env = localize(pod.env, keyspacePrefix, {});
    const proc = runPod(pod);
    procs.push(proc);
    const code = await Promise.race([proc.exit, new Promise((r) => setTimeout(() => r('timeout'), 150_000))]);
    expect(code, proc.output()).toBe(0);
  }, 180_000);

  it('each Deployment becomes ready (/i/status 200 on the internal port) and keeps /i/ off the public port', async () => {
    const started = await Promise.all(Object.keys(portVars).map(async (app) => ({ app, ...(await startApp(app)) })));
    for (const { app, proc, pub, internal, pod } of started) {
      expect(pod.command, app).toEqual(['node', `dist/apps/${app}/main.js`]);
      // Production settings reach the process: the files the chart mounts, in the pod's env.
      expect(pod.env.APP_ENV).toBe('production');
      if (app !== 'scim-api') expect(fs.existsSync(pod.env.ACCESS_TOKEN_KEYS_FILE), app).toBe(true);
      else expect(pod.env.ACCESS_TOKEN_KEYS_FILE).toBeUndefined();
      await waitForStatus(`${internal}/i/status`, proc);
      const onPublic = await fetch(`${pub}/i/status`);
      expect(onPublic.status, app).toBe(404);
      expect((await onPublic.json()).label).toBe('no-endpoint');
    }
    const saml = started.find((s) => s.app === 'saml-sp')!;
    if (set === 'multi-ingress') {
      // The Ingress sets Z-Host; each configured host gets its own SP, and none without it.
      expect((await fetch(`${saml.pub}/sso/metadata`)).status).toBe(404);
      const metadata = await fetch(`${saml.pub}/sso/metadata`, { headers: { 'z-host': 'wire.example.org' } });
      expect(metadata.status).toBe(200);
      expect(await metadata.text()).toContain('https://sso.example.org/sso');
      return;
    }
    const metadata = await fetch(`${saml.pub}/sso/metadata`);
    expect(metadata.status).toBe(200);
    if (set !== 'defaults') expect(await metadata.text()).toContain('<ds:X509Certificate>'); // the SP key pair of the values
  }, 180_000);

  it('pages one SCIM cursor walk across two scim-api replicas, alternating between them', async () => {
    const admin = await startApp('token-admin');
    const [a, b] = [await startApp('scim-api'), await startApp('scim-api')];
    expect(a.pod.env.SCIM_CURSOR_KEY).toBeTruthy();
    expect(a.pod.env.SCIM_CURSOR_KEY).toBe(b.pod.env.SCIM_CURSOR_KEY);
    await Promise.all([admin, a, b].map((x) => waitForStatus(`${x.internal}/i/status`, x.proc)));

    // A team and a SCIM token, as an operator and the team's owner would make them.
    const email = `${randomUUID()}@example.com`;
    const password = 'a long password for the pods test';
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post(`${admin.internal}/i/teams`, { name: 'Pods', owner: { email, password } })).status).toBe(201);
    expect((await post(`${admin.pub}/i/teams`, { name: 'Pods', owner: { email: `x${email}`, password } })).status).toBe(404);
    const login = await post(`${admin.pub}/login?persist=false`, { email, password });
    expect(login.status, await login.clone().text()).toBe(200);
    const bearer = { authorization: `Bearer ${(await login.json()).access_token}` };
    const created = await post(`${admin.pub}/scim/auth-tokens`, { description: 'pods', password }, bearer);
    expect(created.status, await created.clone().text()).toBe(200);
    const scim = { authorization: `Bearer ${(await created.json()).token}`, 'content-type': 'application/scim+json' };

    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${(i % 2 ? b : a).pub}/scim/v2/Users`, {
        method: 'POST',
        headers: scim,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `pods${i}${randomBytes(3).toString('hex')}`,
          displayName: `Pods ${i}`,
          externalId: `pods-${i}-${randomUUID()}@example.com`,
        }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      ids.push((await r.json()).id);
    }
    const page = async (replica: typeof a, cursor: string) => {
      const r = await fetch(`${replica.pub}/scim/v2/Users?count=2&cursor=${encodeURIComponent(cursor)}`, { headers: scim });
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as { Resources: Array<{ id: string }>; nextCursor?: string };
    };
    const seen: string[] = [];
    let cursor = '';
    let n = 0;
    for (;;) {
      const p = await page(n++ % 2 ? b : a, cursor);
      seen.push(...p.Resources.map((u) => u.id));
      if (p.nextCursor === undefined) break;
      cursor = p.nextCursor;
      expect(n).toBeLessThan(10);
    }
    expect(n).toBe(4);
    expect(seen.sort()).toEqual([...ids].sort());

    // A replica with another key refuses the cursor: the shared key is what makes the walk work.
    const stranger = await startApp('scim-api', { SCIM_CURSOR_KEY: randomBytes(24).toString('hex') });
    await waitForStatus(`${stranger.internal}/i/status`, stranger.proc);
    const first = await page(a, '');
    const r = await fetch(`${stranger.pub}/scim/v2/Users?count=2&cursor=${encodeURIComponent(first.nextCursor!)}`, { headers: scim });
    expect(r.status).toBe(400);
  }, 240_000);

  it('makes the first team as docs/operations.md says: the admin command in the token-admin pod (kubectl exec)', async () => {
    const admin = await startApp('token-admin');
    await waitForStatus(`${admin.internal}/i/status`, admin.proc);
    const email = `${randomUUID()}@example.com`;
    const password = 'the first owner of the pods test';
    // `kubectl exec deploy/sso-token-admin -- node dist/apps/token-admin/cli.js ...`: the pod's environment, its working directory.
    const out = execFileSync(
      process.execPath,
      ['dist/apps/token-admin/cli.js', 'create-team', '--name', 'First', '--owner-email', email, '--owner-password', password],
      {
        cwd: repoRoot,
        env: admin.pod.env,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({ team: expect.any(String), owner: expect.any(String) });
    const login = await fetch(`${admin.pub}/login?persist=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
  }, 120_000);

  it('every process stops cleanly on SIGTERM', async () => {
    const codes = await Promise.all(procs.map((p) => p.stop()));
    expect(
      codes.every((c) => c === 0),
      procs.map((p, i) => `${codes[i]}: ${p.output().slice(-500)}`).join('\n'),
    ).toBe(true);
  }, 60_000);
});
