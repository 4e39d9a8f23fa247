import { randomUUID } from 'node:crypto';
import { type IdpId, newIdpId, newTeamId, newUserId } from '@sso/domain';
import { sharedTestDb } from '../testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CassandraDb } from '../cassandra/db';
import { cassandraSparStores } from '../cassandra/spar-store';
import { compareUuid } from '../memory/ordering';
import { InvalidCursorError, encodeCursor } from '../ports/paging';
import { idpFixture, keyInfo, tokenFixture } from './env.contract';
import { sparStoreContract } from './spar.contract';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

sparStoreContract('Cassandra adapters', async () => {
  const db = await sharedTestDb();
  const ks = db.config.keyspaces.spar;
  return {
    stores: cassandraSparStores(db),
    now: () => new Date(),
    elapse: (seconds) => sleep(seconds * 1000),
    legacy: {
      user: async (issuer, ssoId, uid) => {
        await db.execute('test.legacy_user', `INSERT INTO ${ks}."user" (issuer, sso_id, uid) VALUES (?, ?, ?)`, [issuer, ssoId, uid]);
      },
      issuer: async (issuer, idp) => {
        // Written a day ago, as rows spar left behind are: old enough to count as stale claims.
        await db.execute(
          'test.legacy_issuer',
          `INSERT INTO ${ks}.issuer_idp (issuer, idp) VALUES (?, ?) USING TIMESTAMP ${(Date.now() - 86_400_000) * 1000}`,
          [issuer, idp],
        );
      },
      plaintextToken: async (r) => {
        const cols = 'token_, team, id, created_at, idp, descr, name';
        const params = [r.tokenKey, r.team, r.id, r.createdAt, r.idp ?? undefined, r.description, r.name ?? undefined];
        await db.execute(
          'test.legacy_token',
          `INSERT INTO ${ks}.team_provisioning_by_token (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          params,
        );
        await db.execute('test.legacy_token', `INSERT INTO ${ks}.team_provisioning_by_team (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?)`, params);
      },
    },
    teardown: () => db.shutdown(),
  };
});

describe('Cassandra adapters: what lands in the tables', () => {
  let db: CassandraDb;
  let ks: string;
  const names: string[] = [];
  const q = async (cql: string, params: unknown[] = []) => (await db.execute('test.raw', cql, params)).rows;

  beforeAll(async () => {
    db = await sharedTestDb();
    ks = db.config.keyspaces.spar;
    db.setObserver((name) => names.push(name));
  });
  afterAll(async () => db?.shutdown());

  it('an IdP insert writes idp, issuer_idp_v2 and team_idp in one batch, certs as UTF-8 blobs, api_version as int', async () => {
    const stores = cassandraSparStores(db);
    const idp = idpFixture({ certs: [keyInfo('first'), keyInfo('second')], apiVersion: 1 });
    await stores.idps.insert(idp);
    const [row] = await q(`SELECT * FROM ${ks}.idp WHERE idp = ?`, [idp.id]);
    expect((row!.public_key as Buffer).toString('utf8')).toBe(keyInfo('first'));
    expect((row!.extra_public_keys as Buffer[]).map((b) => b.toString('utf8'))).toEqual([keyInfo('second')]);
    expect(row!.api_version).toBe(1);
    expect(String(row!.team)).toBe(idp.team);
    expect(
      (await q(`SELECT idp FROM ${ks}.issuer_idp_v2 WHERE issuer = ? AND team = ?`, [idp.issuer, idp.team])).map((r) => String(r.idp)),
    ).toEqual([idp.id]);
    expect((await q(`SELECT idp FROM ${ks}.team_idp WHERE team = ?`, [idp.team])).map((r) => String(r.idp))).toEqual([idp.id]);
    expect(names).toContain('idp.insert');
  });

  it('writes authreq, verdict and authresp with the TTL asked for', async () => {
    const stores = cassandraSparStores(db);
    const id = `_${randomUUID()}`;
    await stores.authnRequests.put(id, 'iss', 120);
    await stores.authnRequests.putVerdict(id, { format: { kind: 'web' }, cookieLabel: null }, 240);
    await stores.assertionReplay.claim(id, 60);
    const [a] = await q(`SELECT TTL(idp_issuer) AS t FROM ${ks}.authreq WHERE req = ?`, [id]);
    const [v] = await q(`SELECT TTL(format_con) AS t, cookie_label FROM ${ks}.verdict WHERE req = ?`, [id]);
    const [r] = await q(`SELECT TTL(end_of_life) AS t FROM ${ks}.authresp WHERE resp = ?`, [id]);
    expect(a!.t).toBeGreaterThan(110);
    expect(a!.t).toBeLessThanOrEqual(120);
    expect(v!.t).toBeGreaterThan(230);
    expect(v!.cookie_label).toBeNull();
    expect(r!.t).toBeGreaterThan(50);
    expect(r!.t).toBeLessThanOrEqual(60);
  });

  it('stores SCIM tokens under the same token_ key in both tables', async () => {
    const stores = cassandraSparStores(db);
    const rec = tokenFixture(newTeamId(), { idp: newIdpId() });
    await stores.scimTokens.insert(rec);
    const [byToken] = await q(`SELECT team, id, idp, descr, name FROM ${ks}.team_provisioning_by_token WHERE token_ = ?`, [rec.tokenKey]);
    const [byTeam] = await q(`SELECT token_ FROM ${ks}.team_provisioning_by_team WHERE team = ? AND id = ?`, [rec.team, rec.id]);
    expect(String(byToken!.id)).toBe(rec.id);
    expect(String(byToken!.idp)).toBe(rec.idp);
    expect(byTeam!.token_).toBe(rec.tokenKey);
  });

  it('reads a scim_external row without creation_status (written by old spar) as Created', async () => {
    const stores = cassandraSparStores(db);
    const team = newTeamId();
    const uid = newUserId();
    await q(`INSERT INTO ${ks}.scim_external (team, external_id, "user") VALUES (?, ?, ?) IF NOT EXISTS`, [team, 'old', uid]);
    expect(await stores.scimExternal.get(team, 'old')).toEqual({ team, externalId: 'old', uid, status: 'created' });
  });

  it("orders uuids as the twins' comparator does (v1 against v4, high bits in the low half)", async () => {
    const team = newTeamId();
    const ids = [
      '00000001-ffff-1000-8000-000000000000',
      'ffffffff-0000-1001-8000-000000000000',
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-0000-000000000001',
      '00000000-0000-4000-ffff-000000000000',
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
      '80000000-0000-4000-8000-000000000000',
      ...Array.from({ length: 20 }, () => randomUUID()),
    ];
    for (const id of ids) await q(`INSERT INTO ${ks}.team_idp (team, idp) VALUES (?, ?)`, [team, id]);
    const live = (await q(`SELECT idp FROM ${ks}.team_idp WHERE team = ?`, [team])).map((r) => String(r.idp));
    expect(live).toEqual([...ids].sort(compareUuid));
  });

  it('gives every statement a stable table.operation name', () => {
    const ours = [...new Set(names)].filter((n) => !n.startsWith('test.'));
    expect(ours.length).toBeGreaterThan(5);
    for (const n of ours) expect(n).toMatch(/^[a-z_0-9]+\.[a-z_]+$/);
  });

  it('turns a well-wrapped but corrupt paging state into InvalidCursorError', async () => {
    const stores = cassandraSparStores(db);
    const issuer = `https://idp.example.com/${randomUUID()}`;
    await stores.samlUsers.insert({ issuer, normalizedNameId: 'a', ssoId: '<NameID>a</NameID>', uid: newUserId() });
    for (const state of ['deadbeef', 'zz', '00']) {
      const cursor = encodeCursor(`user_v2:${issuer}`, state);
      await expect(stores.samlUsers.listByIssuer(issuer, { cursor })).rejects.toThrow(InvalidCursorError);
    }
  });

  it('default_idp.set leaves exactly one row', async () => {
    const stores = cassandraSparStores(db);
    const ids = [newIdpId(), newIdpId(), newIdpId()] as IdpId[];
    for (const id of ids) await stores.defaultIdp.set(id);
    const rows = await q(`SELECT idp FROM ${ks}.default_idp WHERE partition_key_always_default = 'default'`);
    expect(rows.map((r) => String(r.idp))).toEqual([ids[2]]);
  });
});
