import { randomUUID } from 'node:crypto';
import { type Role, type TeamId, newTeamId, newUserId, rolePermissions, roles, userStatuses } from '@sso/domain';
import { sharedTestDb } from '../testing';
import type { types } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CassandraDb } from '../cassandra/db';
import { cassandraIdentityStores } from '../cassandra/identity-stores';
import { uuidToken } from '../memory/identity-tables';
import { InvalidCursorError, encodeCursor } from '../ports/paging';
import { KNOWN_TOKENS, bareUser, cookieFixture, identityStoreContract, memberFixture, teamFixture, userFixture } from './identity.contract';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

identityStoreContract('Cassandra adapters', async () => {
  const db = await sharedTestDb();
  return {
    stores: cassandraIdentityStores(db),
    now: () => new Date(),
    elapse: (seconds) => sleep(seconds * 1000),
    teardown: () => db.shutdown(),
  };
});

describe('Cassandra identity adapters: what lands in the brig and galley tables', () => {
  let db: CassandraDb;
  let brig: string;
  let galley: string;
  const names: string[] = [];
  const q = async (cql: string, params: unknown[] = []) => (await db.execute('test.raw', cql, params)).rows;
  const big = (v: unknown) => BigInt((v as types.Long).toString());

  beforeAll(async () => {
    db = await sharedTestDb();
    brig = db.config.keyspaces.brig;
    galley = db.config.keyspaces.galley;
    db.setObserver((name) => names.push(name));
  });
  afterAll(async () => db?.shutdown());

  it('stores status and managed_by as Wire’s ints, the password hash as a UTF-8 blob, and nulls as nulls', async () => {
    const { users } = cassandraIdentityStores(db);
    const expected: Record<string, number> = { active: 0, suspended: 1, deleted: 2, ephemeral: 3, 'pending-invitation': 4 };
    for (const status of userStatuses) {
      const u = userFixture({ status, managedBy: 'scim' });
      await users.put(u);
      const [row] = await q(
        `SELECT status, managed_by, password, language, country, sso_id, activated, team FROM ${brig}."user" WHERE id = ?`,
        [u.id],
      );
      expect(row!.status).toBe(expected[status]);
      expect(row!.managed_by).toBe(1);
      expect((row!.password as Buffer).toString('utf8')).toBe(u.passwordHash);
      expect([row!.language, row!.country, row!.sso_id, row!.activated, String(row!.team)]).toEqual([
        u.language,
        u.country,
        u.ssoId,
        true,
        u.team,
      ]);
    }
    const bare = bareUser();
    await users.put(bare);
    const [row] = await q(`SELECT managed_by, password, handle, team, activated FROM ${brig}."user" WHERE id = ?`, [bare.id]);
    expect(row!.managed_by).toBe(0);
    expect([row!.password, row!.handle, row!.team, row!.activated]).toEqual([null, null, null, false]);
  });

  it('an update writes only the named columns (WRITETIME of the others is unchanged)', async () => {
    const { users } = cassandraIdentityStores(db);
    const u = userFixture();
    await users.put(u);
    const wt = async () => (await q(`SELECT WRITETIME(name) AS n, WRITETIME(email) AS e FROM ${brig}."user" WHERE id = ?`, [u.id]))[0]!;
    const before = await wt();
    await sleep(5);
    await users.update(u.id, { name: 'new' });
    const after = await wt();
    expect(big(after.e)).toBe(big(before.e));
    expect(big(after.n)).toBeGreaterThan(big(before.n));
  });

  it('writes user_handle and user_keys rows naming the owner, and rich_info as a UTF-8 blob', async () => {
    const { users } = cassandraIdentityStores(db);
    const uid = newUserId();
    const handle = `raw-${randomUUID()}`;
    await users.claimHandle(handle, uid);
    await users.claimEmail(`${handle}@example.com`, uid);
    await users.putRichInfo(uid, '{"ü":1}');
    expect(String((await q(`SELECT "user" FROM ${brig}.user_handle WHERE handle = ?`, [handle]))[0]!.user)).toBe(uid);
    expect(String((await q(`SELECT "user" FROM ${brig}.user_keys WHERE key = ?`, [`${handle}@example.com`]))[0]!.user)).toBe(uid);
    expect(((await q(`SELECT json FROM ${brig}.rich_info WHERE "user" = ?`, [uid]))[0]!.json as Buffer).toString('utf8')).toBe('{"ü":1}');
  });

  it('stores perms as galley does: self = copy = the role’s bits, also after a role change', async () => {
    const { teams } = cassandraIdentityStores(db);
    const team = newTeamId();
    const perms = async (user: string) => {
      const [row] = await q(`SELECT perms FROM ${galley}.team_member WHERE team = ? AND "user" = ?`, [team, user]);
      const p = row!.perms as { self: types.Long; copy: types.Long };
      return { self: big(p.self), copy: big(p.copy) };
    };
    for (const role of roles) {
      const m = memberFixture(team, { role });
      await teams.addMember(m);
      expect(await perms(m.user)).toEqual({ self: rolePermissions[role], copy: rolePermissions[role] });
      const next: Role = role === 'owner' ? 'partner' : 'owner';
      await teams.setRole(team, m.user, next);
      expect(await perms(m.user)).toEqual({ self: rolePermissions[next], copy: rolePermissions[next] });
      expect((await q(`SELECT team FROM ${galley}.user_team WHERE "user" = ?`, [m.user])).map((r) => String(r.team))).toEqual([team]);
    }
  });

  it('reads a member whose perms fit no role as no member', async () => {
    const { teams } = cassandraIdentityStores(db);
    const team = newTeamId();
    const user = newUserId();
    await q(`INSERT INTO ${galley}.team_member (team, "user", perms) VALUES (?, ?, {self: 0, copy: 0})`, [team, user]);
    expect(await teams.getMember(team, user)).toBeNull();
    expect((await teams.listMembers(team, {})).items).toEqual([]);
  });

  it('creates teams binding and active, as galley does', async () => {
    const { teams } = cassandraIdentityStores(db);
    const t = teamFixture();
    await teams.createTeam(t);
    const [row] = await q(`SELECT binding, status, deleted, creator, name FROM ${galley}.team WHERE team = ?`, [t.id]);
    expect([row!.binding, row!.status, row!.deleted, String(row!.creator), row!.name]).toEqual([true, 0, false, t.creator, t.name]);
  });

  it("scans teams in token order: the twins' Murmur3 agrees with Cassandra's token()", async () => {
    const { teams } = cassandraIdentityStores(db);
    const ts = Array.from({ length: 20 }, () => teamFixture());
    for (const [id] of KNOWN_TOKENS) ts.push(teamFixture({ id: id as TeamId }));
    for (const t of ts) await teams.createTeam(t);
    for (const t of ts) {
      const [row] = await q(`SELECT token(team) AS t FROM ${galley}.team WHERE team = ?`, [t.id]);
      expect(uuidToken(t.id)).toBe(big(row!.t));
    }
    for (const [id, token] of KNOWN_TOKENS) {
      expect(big((await q(`SELECT token(team) AS t FROM ${galley}.team WHERE team = ?`, [id]))[0]!.t)).toBe(token);
    }
  });

  it('inserts cookies with a TTL ending at expires, type as Wire’s int, succ_id unset', async () => {
    const { cookies } = cassandraIdentityStores(db);
    const user = newUserId();
    const now = new Date();
    const c = cookieFixture(user, now, { expires: new Date(now.getTime() + 600_000), type: 'persistent' });
    const s = cookieFixture(user, now, { expires: new Date(now.getTime() + 2000), type: 'session', label: null });
    await cookies.insert(c);
    await cookies.insert(s);
    const rows = await q(`SELECT id, TTL(created) AS ttl, type, succ_id, label FROM ${brig}.user_cookies WHERE "user" = ?`, [user]);
    const byId = new Map(rows.map((r) => [big(r.id), r]));
    expect(byId.get(c.id)!.ttl).toBeGreaterThan(595);
    expect(byId.get(c.id)!.ttl).toBeLessThanOrEqual(600);
    expect(byId.get(c.id)!.type).toBe(1);
    expect(byId.get(c.id)!.succ_id).toBeNull();
    expect(byId.get(s.id)!.type).toBe(0);
    expect(byId.get(s.id)!.label).toBeNull();
    expect(byId.get(s.id)!.ttl).toBeGreaterThanOrEqual(1);
    expect(byId.get(s.id)!.ttl).toBeLessThanOrEqual(2);
    await sleep(2000);
    expect((await q(`SELECT id FROM ${brig}.user_cookies WHERE "user" = ?`, [user])).map((r) => big(r.id))).toEqual([c.id]);
  });

  it('turns a well-wrapped but corrupt paging state into InvalidCursorError', async () => {
    const { teams } = cassandraIdentityStores(db);
    const team = newTeamId();
    await teams.addMember(memberFixture(team));
    for (const state of ['deadbeef', 'zz', '00']) {
      await expect(teams.listMembers(team, { cursor: encodeCursor(`team_member:${team}`, state) })).rejects.toThrow(InvalidCursorError);
    }
  });

  it('gives every statement a stable table.operation name', () => {
    const ours = [...new Set(names)].filter((n) => !n.startsWith('test.'));
    expect(ours.length).toBeGreaterThan(10);
    for (const n of ours) expect(n).toMatch(/^[a-z_0-9]+\.[a-z_]+$/);
  });
});
