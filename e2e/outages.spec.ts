import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores, migrate } from '@sso/persistence';
import { type TestApp, freePort, startTestApp, testConfig } from '@sso/testing';
import { samlSp } from '../apps/saml-sp/src/app';
import { scimApi } from '../apps/scim-api/src/app';
import { tokenAdmin } from '../apps/token-admin/src/app';
import { TeamsHandler } from '../apps/token-admin/src/teams/teams.handler';
import * as cluster from '../tools/cassandra/cluster.mjs';

/** A Cassandra node and a Redis of this file's own (never the shared ones), stopped and started at will. */
/**
 * One node, so nothing else holds a copy: its commit log is synced every 200 ms (the template's
 * 10 s periodic sync would let a SIGKILL take the last seconds of acknowledged writes with it,
 * as it does on a real node; the cluster run covers that with RF=3).
 */
const OUTAGE = { name: 'outage', count: 1, firstAddress: 10, yaml: { commitlog_sync_period: '200ms' } };
const RETRY_BUDGET_MS = 3000;
/** No request may take longer than the retry budget plus one attempt's connect time and slack. */
const BOUND_MS = RETRY_BUDGET_MS + 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every Redis this file started, so that afterAll stops them all whatever failed. */
const redises: ChildProcess[] = [];

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  redises.push(child);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode} (port ${port} taken?)`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) return child;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

const stopProcess = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });

describe('outages of Cassandra and Redis', () => {
  const [node] = cluster.nodes(OUTAGE);
  let redisPort: number;
  let redis: ChildProcess;
  let apps: Record<'saml' | 'scim' | 'admin', TestApp>;
  let scimToken: string;
  const owner = { email: `owner-${randomUUID()}@example.com`, password: 'outages and recoveries', name: 'Owner' };

  beforeAll(async () => {
    await cluster.destroy(OUTAGE);
    const { contactPoints } = await cluster.start(OUTAGE);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const config = testConfig(
      {
        'cassandra.contactPoints': contactPoints,
        'cassandra.retryBudgetMs': RETRY_BUDGET_MS,
        'rateLimits.loginPerEmail.limit': 3,
        'rateLimits.loginPerAddress.limit': 1000,
        'rateLimits.failOpen': true,
      },
      { REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    );
    const db = new CassandraDb(config.cassandra);
    try {
      await db.connect();
      await migrate(db);
      await new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock).createTeam({ name: 'Outages', owner });
    } finally {
      await db.shutdown();
    }
    apps = {
      saml: await startTestApp(samlSp, config),
      scim: await startTestApp(scimApi, config),
      admin: await startTestApp(tokenAdmin, config),
    };
    const login = await apps.admin.app.inject({ method: 'POST', url: '/login', payload: { email: owner.email, password: owner.password } });
    expect(login.statusCode).toBe(200);
    const token = await apps.admin.app.inject({
      method: 'POST',
      url: '/scim/auth-tokens',
      headers: { authorization: `Bearer ${login.json().access_token}` },
      payload: { description: 'outages', password: owner.password },
    });
    expect(token.statusCode).toBe(200);
    scimToken = token.json().token;
  }, 400_000);

  afterAll(async () => {
    for (const a of Object.values(apps ?? {})) await a.close();
    for (const r of redises) await stopProcess(r);
    await cluster.destroy(OUTAGE);
  }, 120_000);

  /** One request per app that needs Cassandra, and how long it took. */
  const probes = {
    saml: () => apps.saml.app.inject({ method: 'GET', url: `/sso/initiate-login/${randomUUID()}` }),
    scim: () => apps.scim.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${scimToken}` } }),
    admin: () =>
      apps.admin.app.inject({
        method: 'POST',
        url: '/login',
        payload: { email: `nobody-${randomUUID()}@example.com`, password: 'not a password' },
      }),
  };
  const timed = async <T>(f: () => Promise<T>): Promise<{ res: T; ms: number }> => {
    const t0 = Date.now();
    const res = await f();
    return { res, ms: Date.now() - t0 };
  };

  it('with Cassandra down, every app answers 503 in its own error shape within a bounded time, and /i/status is 503', async () => {
    await sleep(500); // past a commit log sync: the setup's writes must survive the kill
    cluster.killNode(node);
    await sleep(500);
    for (const key of ['saml', 'scim', 'admin'] as const) {
      const { res, ms } = await timed(probes[key]);
      expect(res.statusCode, `${key}: ${res.body}`).toBe(503);
      expect(ms, key).toBeLessThan(BOUND_MS);
      if (key === 'scim') {
        expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
        expect(res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
      } else {
        expect(res.json()).toMatchObject({ code: 503, label: 'service-unavailable' });
      }
      const status = await timed(() => apps[key].app.inject({ method: 'GET', url: '/i/status' }));
      expect(status.res.statusCode).toBe(503);
      expect(status.ms).toBeLessThan(BOUND_MS);
    }
    // Many at once: none hangs either.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => timed(probes[(['saml', 'scim', 'admin'] as const)[i % 3]])));
    for (const { res, ms } of burst) {
      expect(res.statusCode).toBe(503);
      expect(ms).toBeLessThan(BOUND_MS * 2);
    }
  }, 120_000);

  it('when Cassandra returns, each app recovers by itself: /i/status 200, then requests succeed', async () => {
    await cluster.startNode(node, OUTAGE);
    const deadline = Date.now() + 90_000;
    for (const key of ['saml', 'scim', 'admin'] as const) {
      while ((await apps[key].app.inject({ method: 'GET', url: '/i/status' })).statusCode !== 200) {
        if (Date.now() > deadline) throw new Error(`${key} did not recover`);
        await sleep(250);
      }
    }
    // Ready means a coordinator answers; the pools to it may still be filling for a moment.
    const expected = { saml: 404, scim: 200, admin: 403 } as const;
    for (const key of ['saml', 'scim', 'admin'] as const) {
      let last = await probes[key]();
      while (last.statusCode !== expected[key]) {
        if (Date.now() > deadline) throw new Error(`${key} still answers ${last.statusCode}: ${last.body}`);
        expect(last.statusCode, last.body).toBe(503);
        await sleep(250);
        last = await probes[key]();
      }
    }
    // And it stays recovered.
    for (let i = 0; i < 3; i++) {
      for (const key of ['saml', 'scim', 'admin'] as const) expect((await probes[key]()).statusCode, key).toBe(expected[key]);
    }
  }, 300_000);

  const login = (email: string, password: string) => apps.admin.app.inject({ method: 'POST', url: '/login', payload: { email, password } });

  it('with Redis down, logins still work (fail-open), beyond the limit too, and without waiting', async () => {
    // With Redis up, the limit of 3 logins per email holds.
    const probe = `probe-${randomUUID()}@example.com`;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await login(probe, 'wrong password')).statusCode);
    expect(codes).toEqual([403, 403, 403, 429]);
    await stopProcess(redis);
    for (let i = 0; i < 5; i++) {
      const { res, ms } = await timed(() => login(owner.email, owner.password));
      expect(res.statusCode, res.body).toBe(200);
      expect(ms).toBeLessThan(BOUND_MS);
    }
  }, 120_000);

  it('when Redis returns, rate limiting works again by itself', async () => {
    redis = await startRedis(redisPort);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const email = `probe-${randomUUID()}@example.com`;
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await login(email, 'wrong password')).statusCode);
      if (codes[3] === 429) {
        expect(codes).toEqual([403, 403, 403, 429]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`rate limiting did not recover: ${codes.join(',')}`);
      await sleep(500);
    }
  }, 60_000);
});
