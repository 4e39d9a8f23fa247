import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamId } from '@sso/domain';
import { CassandraTeamCountStore, type CountedKind, TeamCounts } from '@sso/persistence';
import { ScimHarness, uname, userBody } from './harness';

/**
 * Index paging at the cost of a page (docs/decisions.md, "Counts for index paging" and
 * "Checkpoints for index paging"), on real Cassandra, with real concurrency: the kept counts stay
 * exact, walks by startIndex resume from checkpoints and lose no user that stays.
 */
describe('SCIM index paging: kept counts and checkpoints (real Cassandra)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.maxResults': 1000 }));
  afterAll(() => h.stop());

  const counts = () => h.t.app.get(TeamCounts);
  const store = () => new CassandraTeamCountStore(h.db);

  const list = async (token: string, query: string, path = 'Users') => {
    const r = await h.req('GET', `/scim/v2/${path}${query}`, { token });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { totalResults: number; Resources: Array<{ id: string }>; nextCursor?: string };
  };

  /** The truth: every user of the team by a cursor walk (no counts involved). */
  const allByCursor = async (token: string, path = 'Users'): Promise<string[]> => {
    const out: string[] = [];
    let cursor = '';
    for (;;) {
      const r = await list(token, `?cursor=${encodeURIComponent(cursor)}&count=500`, path);
      out.push(...r.Resources.map((u) => u.id));
      if (!r.nextCursor) return out;
      cursor = r.nextCursor;
    }
  };

  const create = async (token: string, body = userBody()) => h.req('POST', '/scim/v2/Users', { token, body });
  const createMany = async (token: string, n: number, conc = 12): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += conc) {
      const rs = await Promise.all(Array.from({ length: Math.min(conc, n - i) }, () => create(token)));
      for (const r of rs) {
        expect(r.statusCode, r.body).toBe(201);
        ids.push((r.json() as { id: string }).id);
      }
    }
    return ids;
  };

  /** Lists once (the first list recounts the team) and waits for the recount to settle. */
  const initialise = async (token: string, team: TeamId, kind: CountedKind = 'users') => {
    await list(token, '?startIndex=1&count=1', kind === 'users' ? 'Users' : 'Groups');
    await counts().settled();
    expect((await store().get(team, kind)).checkedAt).not.toBeNull();
  };

  /** Index walk: pages of `count` until a page says the walk is over (as Okta does), calling `between` after each. */
  const walk = async (token: string, count: number, between?: () => Promise<void>, path = 'Users') => {
    const seen: string[] = [];
    for (let start = 1; ; start += count) {
      const r = await list(token, `?startIndex=${start}&count=${count}`, path);
      seen.push(...r.Resources.map((u) => u.id));
      if (r.Resources.length === 0 || start - 1 + r.Resources.length >= r.totalResults) return seen;
      await between?.();
    }
  };

  it('counts users created before the count existed: the first list walks and recounts, later lists read the counter', async () => {
    const { team, token } = await h.team({ issuer: `https://idp.example.com/${randomUUID()}` });
    // Users SSO made and users from an install before the count: rows only, no count update.
    for (let i = 0; i < 5; i++) await h.ssoUser(team, (await h.spar.idps.listByTeam(team))[0]!.issuer, `sso-${i}-${randomUUID()}`);
    await createMany(token, 3);
    expect((await store().get(team, 'users')).n).toBe(3);
    expect((await list(token, '?startIndex=1&count=2')).totalResults).toBe(8);
    await counts().settled();
    const c = await store().get(team, 'users');
    expect(c.n).toBe(8);
    expect(c.checkedAt).not.toBeNull();
    expect((await list(token, '?startIndex=1&count=0')).totalResults).toBe(8);
  });

  it('stays exact after concurrent creates and deletes: a create that loses the userName race and double deletes count nothing', async () => {
    const { team, token } = await h.team();
    const pre = await createMany(token, 30);
    await initialise(token, team);
    const contested = uname('race');
    const results = await Promise.all([
      // 20 new users, 10 creates of one userName (one wins), 15 users deleted twice each at once.
      ...Array.from({ length: 20 }, () => create(token)),
      ...Array.from({ length: 10 }, () => create(token, userBody({ userName: contested }))),
      ...pre.slice(0, 15).flatMap((id) => [0, 1].map(() => h.req('DELETE', `/scim/v2/Users/${id}`, { token }))),
    ]);
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(21);
    expect(codes.filter((c) => c === 409)).toHaveLength(9);
    expect(codes.filter((c) => c === 204)).toHaveLength(30);
    const truth = await allByCursor(token);
    expect(truth).toHaveLength(30 - 15 + 21);
    expect((await store().get(team, 'users')).n).toBe(truth.length);
    const page = await list(token, '?startIndex=1&count=10');
    expect(page.totalResults).toBe(truth.length);
    expect(page.Resources).toHaveLength(10);
    // Cursor paging's count=0 answers the same kept count.
    expect((await list(token, '?cursor=&count=0')).totalResults).toBe(truth.length);
  });

  it('a walk by startIndex during concurrent deletes returns every user that stayed, each once', async () => {
    const { team, token } = await h.team();
    const ids = await createMany(token, 240);
    await initialise(token, team);
    const doomed = new Set(ids.filter((_, i) => i % 3 === 0));
    const queue = [...doomed];
    let deleting = true;
    let walking = true;
    let duringWalk = 0;
    const deleter = (async () => {
      while (queue.length > 0) {
        const batch = queue.splice(0, 4);
        await Promise.all(batch.map((id) => h.req('DELETE', `/scim/v2/Users/${id}`, { token })));
        if (walking) duringWalk += batch.length;
      }
      deleting = false;
    })();
    const seen = await walk(token, 10, async () => {
      // Let the deleter run between pages too, so deletes land behind and ahead of the walk.
      if (deleting) await new Promise((r) => setTimeout(r, 40));
    });
    walking = false;
    await deleter;
    // The deletes really raced the walk.
    expect(duringWalk).toBeGreaterThan(20);
    expect(new Set(seen).size).toBe(seen.length);
    const stayed = ids.filter((id) => !doomed.has(id));
    const seenSet = new Set(seen);
    expect(stayed.filter((id) => !seenSet.has(id))).toEqual([]);
    expect((await list(token, '?startIndex=1&count=0')).totalResults).toBe(stayed.length);
  });

  it('a walk by startIndex during concurrent creates returns no user twice and every user that existed', async () => {
    const { team, token } = await h.team();
    const ids = await createMany(token, 150);
    await initialise(token, team);
    const created: string[] = [];
    const seen = await walk(token, 25, async () => {
      created.push(...(await createMany(token, 8, 8)));
    });
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(ids.filter((id) => !seenSet.has(id))).toEqual([]);
    expect((await list(token, '?startIndex=1&count=0')).totalResults).toBe(150 + created.length);
  });

  it('resumes a page from its checkpoint (a delete behind the walk shifts nothing); other teams and queries do not share it', async () => {
    const a = await h.team();
    const b = await h.team();
    await createMany(a.token, 60);
    await createMany(b.token, 60);
    const order = await allByCursor(a.token);
    const p1 = await list(a.token, '?startIndex=1&count=20');
    expect(p1.Resources.map((u) => u.id)).toEqual(order.slice(0, 20));
    // Deleting a user of page 1 would shift an offset walk by one; the checkpoint does not move.
    expect((await h.req('DELETE', `/scim/v2/Users/${order[3]}`, { token: a.token })).statusCode).toBe(204);
    const p2 = await list(a.token, '?startIndex=21&count=20');
    expect(p2.Resources.map((u) => u.id)).toEqual(order.slice(20, 40));
    // A jump by another team to the same index walks its own users.
    const orderB = await allByCursor(b.token);
    const b2 = await list(b.token, '?startIndex=21&count=20');
    expect(b2.Resources.map((u) => u.id)).toEqual(orderB.slice(20, 40));
    // The same index of another query of team a (an attribute projection shares the row set; a
    // sort does not) starts from its own position: here the current 21st user.
    const sorted = await list(a.token, '?startIndex=21&count=20&sortBy=userName');
    expect(sorted.totalResults).toBe(59);
    const again = await list(a.token, '?startIndex=21&count=20&attributes=userName');
    expect(again.Resources.map((u) => u.id)).toEqual(order.slice(20, 40));
    // Cursor paging (RFC 9865) is untouched by index paging.
    expect(await allByCursor(a.token)).toEqual(order.filter((id) => id !== order[3]));
  });

  it('keeps the group count exact through concurrent creates and double deletes, and pages groups by index', async () => {
    const { team, token } = await h.team();
    const mk = () =>
      h.req('POST', '/scim/v2/Groups', {
        token,
        body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: uname('g') },
      });
    const first = await Promise.all(Array.from({ length: 30 }, mk));
    const gids = first.map((r) => (r.json() as { id: string }).id);
    await initialise(token, team, 'groups');
    await Promise.all([
      ...Array.from({ length: 15 }, mk),
      ...gids.slice(0, 10).flatMap((id) => [0, 1].map(() => h.req('DELETE', `/scim/v2/Groups/${id}`, { token }))),
    ]);
    expect((await store().get(team, 'groups')).n).toBe(35);
    const seen = await walk(token, 10, undefined, 'Groups');
    expect(new Set(seen).size).toBe(35);
    expect((await list(token, '?startIndex=11&count=10', 'Groups')).totalResults).toBe(35);
  });
});
