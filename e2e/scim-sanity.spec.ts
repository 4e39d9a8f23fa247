import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { newScimTokenId, newTeamId, newUserId, systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores, cassandraSparStores } from '@sso/persistence';
import { freePort, testConfig } from '@sso/testing';
import { VERSION, install } from '../tools/scim-sanity/scim-sanity.mjs';

const root = path.resolve(__dirname, '..');

/**
 * scim-sanity (PyPI, pinned in tools/scim-sanity), a third-party SCIM 2.0 conformance probe, run
 * as its README says (`scim-sanity probe <base> --token T --i-accept-side-effects`) against the
 * built scim-api on the test keyspaces, with the default configuration (PATCH answers 200). It
 * creates, changes and deletes its own users and groups and cleans up after itself.
 */

/** One result of scim-sanity's JSON report. */
interface Finding {
  phase: string;
  name: string;
  status: string;
  message?: string;
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
    for (const deadline = Date.now() + 30_000; ;) {
      if (child.exitCode !== null) throw new Error(`scim-api exited with ${child.exitCode}:\n${out}`);
      if (
        await fetch(`${base}/ServiceProviderConfig`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
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
    await cassandraSparStores(db).scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(token),
      createdAt: new Date(),
      idp: null,
      description: 'scim-sanity',
      name: 'scim-sanity',
    });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db?.shutdown();
  });

  interface Report {
    scim_sanity_version: string;
    summary: { total: number; passed: number; failed: number; warnings: number; skipped: number; errors: number };
    results: Finding[];
  }

  function probe(wireUsers: boolean): Report {
    // The second run gives the probe's users what Wire requires (an externalId, and a userName
    // that is a Wire handle: no '@'), through its own module, so that the user lifecycle it would
    // otherwise skip (GET, PUT, PATCH, DELETE) is probed too.
    const args = wireUsers
      ? [
          '-c',
          [
            'import sys, uuid',
            'import scim_sanity.probe.tests as t',
            'orig = t.make_user',
            'def wire_user(extra=None):',
            '    u = orig(extra)',
            '    u["userName"] = "scim-sanity-" + uuid.uuid4().hex[:12]',
            '    u["externalId"] = u["emails"][0]["value"]',
            '    return u',
            't.make_user = wire_user',
            'from scim_sanity.cli import main',
            'sys.argv = ["scim-sanity"] + sys.argv[1:]',
            'main()',
          ].join('\n'),
        ]
      : [];
    const cmd = wireUsers ? path.join(path.dirname(binary), 'python') : binary;
    const r = spawnSync(cmd, [...args, 'probe', base, '--token', token, '--i-accept-side-effects', '--json-output'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const start = r.stdout.indexOf('{');
    if (start < 0) throw new Error(`scim-sanity printed no report (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    const report = JSON.parse(r.stdout.slice(start)) as Report;
    expect(report.scim_sanity_version).toBe(VERSION);
    const bad = report.results.filter((f) => f.status !== 'pass');
    process.stdout.write(
      `scim-sanity ${wireUsers ? 'with Wire users' : 'as published'}: ${report.summary.total} checks, ${report.summary.passed} passed${bad.map((f) => `\n  ${f.status}: ${f.name}: ${f.message ?? ''}`).join('')}\n`,
    );
    return report;
  }
  const notPassed = (rep: Report) => rep.results.filter((f) => f.status !== 'pass').map((f) => `${f.status}: ${f.name}`);
  /** The agent extensions (draft-abbey-scim-agent-extension) are not served, and the probe says so. */
  const AGENT_SKIPS = ['skip: Agent CRUD Lifecycle', 'skip: AgenticApplication CRUD Lifecycle', 'skip: Agent Rapid Lifecycle'];

  it("as published: nothing but Wire's user rules (externalId required, userName a handle) refusing its user", () => {
    const rep = probe(false);
    expect(notPassed(rep)).toEqual(['fail: POST /Users', 'skip: GET /Users/{id}', ...AGENT_SKIPS]);
    // The refused user is refused for Wire's reasons, with the detail saying which.
    const user = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'scim-sanity-test-1234abcd@example.com',
      displayName: 'x',
      emails: [{ value: 'scim-sanity-test-1234abcd@example.com', type: 'work', primary: true }],
    };
    return Promise.all([
      post(user).then((r) =>
        expect(r).toMatchObject({ status: 400, detail: expect.stringMatching(/^'userName' must be 2-256 characters/) }),
      ),
      post({ ...user, userName: 'scim-sanity-test-1234abcd' }).then((r) =>
        expect(r).toMatchObject({ status: 400, detail: "'externalId' is required" }),
      ),
    ]);
  }, 360_000);

  it('with users that meet those rules: nothing at all (the user lifecycle, PATCH 200 included)', () => {
    const rep = probe(true);
    expect(notPassed(rep)).toEqual(AGENT_SKIPS);
    expect(rep.results.map((f) => f.name)).toEqual(expect.arrayContaining(['PATCH /Users/{id}', 'PUT /Users/{id}', 'DELETE /Users/{id}']));
  }, 360_000);

  async function post(body: unknown): Promise<{ status: number; detail?: string }> {
    const r = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    return { ...((await r.json()) as { detail?: string }), status: r.status };
  }
});
