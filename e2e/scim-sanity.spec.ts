import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { newScimTokenId, newTeamId, newUserId, systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores, cassandraSparStores } from '@sso/persistence';
import { freePort, testConfig } from '@sso/testing';
import { install } from '../tools/scim-sanity/scim-sanity.mjs';

const root = path.resolve(__dirname, '..');

/** One finding of scim-sanity's JSON report that is not a pass. */
interface Finding {
  phase: string;
  name: string;
  status: string;
  message: string;
}

describe('scim-sanity (a third-party SCIM probe) against scim-api', () => {
  let binary: string;
  let child: ChildProcess;
  let out = '';
  let base: string;
  let db: CassandraDb;
  let token: string;

  beforeAll(async () => {
    binary = await install();
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], { stdio: 'ignore' });
    const config = testConfig();
    const { spar, brig, galley } = config.cassandra.keyspaces;
    const [port, internal] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [path.join(root, 'dist/apps/scim-api/main.js')], {
      env: {
        PATH: process.env.PATH,
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SCIM_API_PORT: String(port),
        SCIM_API_INTERNAL_PORT: String(internal),
        CASSANDRA_KEYSPACE_SPAR: spar,
        CASSANDRA_KEYSPACE_BRIG: brig,
        CASSANDRA_KEYSPACE_GALLEY: galley,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    base = `http://127.0.0.1:${port}/scim/v2`;
    for (const deadline = Date.now() + 30_000; ; ) {
      if (child.exitCode !== null) throw new Error(`scim-api exited with ${child.exitCode}:\n${out}`);
      if (await fetch(`${base}/ServiceProviderConfig`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`scim-api not ready in 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // A team without an IdP and a SCIM token for it, as token-admin makes them.
    db = new CassandraDb(config.cassandra);
    await db.connect();
    const team = newTeamId();
    const owner = newUserId();
    const identity = cassandraIdentityStores(db, systemClock);
    await identity.teams.createTeam({ id: team, name: 'scim-sanity', creator: owner, deleted: false });
    await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    token = generateScimToken();
    await cassandraSparStores(db).scimTokens.insert({ team, id: newScimTokenId(), tokenKey: hashScimToken(token), createdAt: new Date(), idp: null, description: 'scim-sanity', name: 'scim-sanity' });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db?.shutdown();
  });

  it('finds nothing but the externalId that Wire requires', async () => {
    const r = spawnSync(binary, ['probe', base, '--token', token, '--i-accept-side-effects', '--json-output'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    process.stdout.write(`${r.stdout}\n${r.stderr}\n`);
    expect(r.stdout).toBe('x');
  }, 360_000);
});
