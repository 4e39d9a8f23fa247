import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamId, UserId } from '@sso/domain';
import { ScimHarness, uname, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describe('SCIM Users: listing, filters, paging, concurrency (real Cassandra)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.maxResults': 20 }));
  afterAll(() => h.stop());

  let token: string;
  let team: TeamId;
  const users: Array<Record<string, unknown> & { id: string }> = [];
  const tag = randomUUID().slice(0, 6);

  beforeAll(async () => {
    // With an IdP, so `active` is the client's (a token without one invites its users: pending).
    ({ token, team } = await h.team({ issuer: `https://idp.example.com/${randomUUID()}` }));
    for (let i = 0; i < 25; i++) {
      const r = await h.req('POST', '/scim/v2/Users', {
        token,
        body: userBody({
          userName: `List${tag}.${String(i).padStart(2, '0')}`,
          displayName: i % 2 === 0 ? `Even ${i}` : `Odd ${i}`,
          name: { familyName: i < 5 ? 'Employee' : 'Other', givenName: `G${i}` },
          emails: [
            { value: `u${i}-${tag}@example.${i % 3 === 0 ? 'org' : 'com'}`, type: 'work', primary: true },
            { value: `home${i}@example.net`, type: 'home' },
          ],
          active: i !== 7,
        }),
      });
      expect(r.statusCode).toBe(201);
      users.push(r.json());
    }
  });

  const list = async (query: string) => {
    const r = await h.req('GET', `/scim/v2/Users${query}`, { token });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    return r.json() as {
      schemas: string[];
      totalResults: number;
      itemsPerPage: number;
      startIndex?: number;
      Resources: Array<Record<string, unknown>>;
      nextCursor?: string;
    };
  };
  const ids = (r: { Resources: Array<Record<string, unknown>> }) => r.Resources.map((u) => u.id as string);

  it('lists the team’s SCIM users without a filter in a stable order, with integer counters and a maxResults cap', async () => {
    const a = await list('');
    expect(a).toMatchObject({ schemas: [LIST], totalResults: 25, itemsPerPage: 20, startIndex: 1 });
    expect(ids(a)).not.toContain(undefined);
    const b = await list('?count=5000');
    expect(b.itemsPerPage).toBe(20);
    expect(ids(b)).toEqual(ids(a));
    const p1 = await list('?startIndex=1&count=10');
    const p2 = await list('?startIndex=11&count=10');
    const p3 = await list('?startIndex=21&count=10');
    expect(p3).toMatchObject({ startIndex: 21, itemsPerPage: 5, totalResults: 25 });
    expect(new Set([...ids(p1), ...ids(p2), ...ids(p3)])).toEqual(new Set(users.map((u) => u.id)));
    expect((await list('?count=0')).Resources).toEqual([]);
    expect((await list('?startIndex=100')).Resources).toEqual([]);
  });

  it('answers equality on userName (any case), externalId and id with keyed lookups, and an empty list on no match', async () => {
    const u = users[3]!;
    for (const f of [
      `userName eq "${String(u.userName).toUpperCase()}"`,
      `externalId eq "${u.externalId}"`,
      `id eq "${u.id}"`,
      `USERNAME Eq "${u.userName}" and active eq true`,
    ]) {
      const r = await list(`?filter=${encodeURIComponent(f)}&startIndex=1&count=100`);
      expect(ids(r), f).toEqual([u.id]);
      expect(r.totalResults).toBe(1);
    }
    expect(await list(`?filter=${encodeURIComponent('userName eq "nobody-here"')}`)).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await list(`?filter=${encodeURIComponent(`userName eq "${u.userName}" and active eq false`)}`)).totalResults).toBe(0);
    // Another team's user is not found by its keys.
    const other = await h.team();
    expect(
      (await h.req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`, { token: other.token })).json()
        .totalResults,
    ).toBe(0);
  });

  it('evaluates every other filter over the team: co sw gt pr, and/or/not, value paths, meta dates', async () => {
    const q = async (f: string) => (await list(`?filter=${encodeURIComponent(f)}&count=20`)).totalResults;
    expect(await q('displayName sw "Even"')).toBe(13);
    expect(await q('displayName co "dd" and active eq false')).toBe(1);
    expect(await q('name.FamilyName eq Employee and (emails.Value co example.org or emails.Value co example.com)')).toBe(5);
    expect(await q(`emails[type eq "work" and value ew "example.org"]`)).toBe(9);
    expect(await q(`emails[type eq "work"].value eq "u4-${tag}@example.com"`)).toBe(1);
    expect(await q('not (active eq true)')).toBe(1);
    expect(await q('title pr')).toBe(0);
    expect(await q('meta.created gt "2015-10-10T14:38:21.8617979-07:00"')).toBe(25);
    expect(await q(`meta.lastModified lt "2000-01-01T00:00:00Z"`)).toBe(0);
  });

  it('refuses bad filters and parameters with SCIM 400s', async () => {
    for (const [query, scimType] of [
      ['?filter=userName%20eq', 'invalidFilter'],
      ['?filter=nosuch%20eq%20%22x%22', 'invalidFilter'],
      ['?filter=active%20gt%20true', 'invalidFilter'],
      ['?count=ten', 'invalidValue'],
      ['?sortBy=nosuch', 'invalidValue'],
      ['?sortOrder=sideways', 'invalidValue'],
      ['?cursor=abc', 'invalidCursor'],
      ['?cursor=&startIndex=2', 'invalidValue'],
    ] as const) {
      const r = await h.req('GET', `/scim/v2/Users${query}`, { token });
      expect(r.statusCode, query).toBe(400);
      expect(r.json(), query).toMatchObject({ schemas: [ERROR], status: '400', scimType });
    }
  });

  it('sorts by any attribute in both orders', async () => {
    const asc = await list('?sortBy=userName&count=20');
    const names = asc.Resources.map((u) => String(u.userName));
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const desc = await list('?sortBy=userName&sortOrder=descending&count=3');
    expect(desc.Resources.map((u) => u.userName)).toEqual([`List${tag}.24`, `List${tag}.23`, `List${tag}.22`]);
    const byGiven = await list(`?sortBy=name.givenName&count=2&filter=${encodeURIComponent('name.familyName eq "Employee"')}`);
    expect(byGiven.Resources.map((u) => (u.name as { givenName: string }).givenName)).toEqual(['G0', 'G1']);
  });

  it('projects attributes and excludedAttributes in lists', async () => {
    const r = await list('?attributes=userName,emails&count=2');
    for (const u of r.Resources) expect(Object.keys(u).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    const e = await list('?excludedAttributes=emails,name&count=2');
    for (const u of e.Resources) {
      expect(u).not.toHaveProperty('emails');
      expect(u).toHaveProperty('displayName');
    }
  });

  it('pages with cursors (RFC 9865): MACed, bound to the query, covering every user once', async () => {
    const seen: string[] = [];
    let r = await list('?cursor=&count=7&sortBy=userName');
    expect(r).not.toHaveProperty('startIndex');
    seen.push(...ids(r));
    let pages = 1;
    while (r.nextCursor) {
      r = await list(`?cursor=${encodeURIComponent(r.nextCursor)}&count=7&sortBy=userName`);
      seen.push(...ids(r));
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(ids(await list('?sortBy=userName&count=20')).concat(ids(await list('?sortBy=userName&startIndex=21&count=20'))));

    const first = await list('?cursor=&count=5');
    const c = first.nextCursor!;
    const tampered = c.slice(0, -2) + (c.endsWith('A') ? 'BB' : 'AA');
    for (const bad of [
      tampered,
      `${Buffer.from(JSON.stringify({ s: 'x', o: 5, t: Date.now() / 1000 })).toString('base64url')}.${c.split('.')[1]}`,
    ]) {
      const x = await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(bad)}&count=5`, { token });
      expect(x.json()).toMatchObject({ status: '400', scimType: 'invalidCursor' });
    }
    // A cursor of one query is refused by another (another filter, or another team).
    const other = await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(c)}&filter=${encodeURIComponent('active eq true')}`, {
      token,
    });
    expect(other.json()).toMatchObject({ scimType: 'invalidCursor' });
    const otherTeam = await h.team();
    expect((await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(c)}&count=5`, { token: otherTeam.token })).json()).toMatchObject(
      { scimType: 'invalidCursor' },
    );
  });

  it('searches with POST /Users/.search', async () => {
    const u = users[5]!;
    const r = await h.req('POST', '/scim/v2/Users/.search', {
      token,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `userName eq "${u.userName}"`,
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      schemas: [LIST],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [{ schemas: u.schemas, id: u.id, userName: u.userName }],
    });
    const all = await h.req('POST', '/scim/v2/Users/.search', { token, body: { count: 3, sortBy: 'userName', sortOrder: 'descending' } });
    expect(all.json()).toMatchObject({ totalResults: 25, itemsPerPage: 3 });
    const bad = await h.req('POST', '/scim/v2/Users/.search', { token, body: { filter: 'userName eq' } });
    expect(bad.json()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    // The trailing-slash form the Microsoft suite and the admin manual's curl use: the list itself, no redirect.
    for (const path of ['/scim/v2/Users/', '/scim/v2/users/', '/v7/scim/v2/Users/']) {
      const slash = await h.req('GET', `${path}?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`, { token });
      expect(slash.statusCode, path).toBe(200);
      expect(slash.json()).toMatchObject({ schemas: [LIST], totalResults: 1, Resources: [{ id: u.id }] });
    }
    expect((await h.req('GET', `/scim/v2/Users/${u.id}/`, { token })).json()).toMatchObject({ id: u.id });
  });

  it('of 50 concurrent creates of one userName exactly one wins; the rest are 409 uniqueness and leave no rows', async () => {
    const { token: t2, team: team2 } = await h.team();
    const name = uname('Contested');
    const bodies = Array.from({ length: 50 }, (_, i) =>
      userBody({ userName: i % 2 ? name : name.toUpperCase(), externalId: `c${i}-${randomUUID()}@example.com`, emails: undefined }),
    );
    const rs = await Promise.all(bodies.map((body) => h.req('POST', '/scim/v2/Users', { token: t2, body })));
    const codes = rs.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    for (const r of rs.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const winner = rs.find((r) => r.statusCode === 201)!.json() as { id: string; externalId: string };

    expect(await h.identity.users.lookupHandle(name.toLowerCase())).toBe(winner.id);
    const members = (await h.identity.teams.listMembers(team2, { limit: 100 })).items.map((m) => m.user);
    expect(members).toHaveLength(2); // the owner and the winner
    expect(members).toContain(winner.id);
    const external = (await h.spar.scimExternal.listByTeam(team2, { limit: 100 })).items;
    expect(external).toEqual([{ team: team2, externalId: winner.externalId, uid: winner.id, status: 'created' }]);
    for (const body of bodies)
      if (body.externalId !== winner.externalId) expect(await h.spar.scimExternal.get(team2, String(body.externalId))).toBeNull();
    expect((await h.req('GET', '/scim/v2/Users', { token: t2 })).json().totalResults).toBe(1);
  }, 60_000);

  it('of 20 concurrent creates of one externalId exactly one wins; no handle or member rows are left by the losers', async () => {
    const { token: t3, team: team3 } = await h.team();
    const eid = `${randomUUID()}@example.com`;
    const bodies = Array.from({ length: 20 }, () => userBody({ externalId: eid }));
    const rs = await Promise.all(bodies.map((body) => h.req('POST', '/scim/v2/Users', { token: t3, body })));
    expect(rs.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.statusCode === 409)).toHaveLength(19);
    const winner = rs.find((r) => r.statusCode === 201)!.json() as { id: string; userName: string };
    for (const b of bodies) {
      const owner = await h.identity.users.lookupHandle(String(b.userName).toLowerCase());
      expect(owner === null || owner === winner.id).toBe(true);
    }
    expect((await h.identity.teams.listMembers(team3, { limit: 100 })).items).toHaveLength(2);
    expect((await h.spar.scimExternal.get(team3, eid))?.uid).toBe(winner.id as UserId);
  }, 60_000);

  it('lists users of the token’s team only', async () => {
    expect(team).toBeDefined();
    const other = await h.team();
    expect((await h.req('GET', '/scim/v2/Users', { token: other.token })).json()).toMatchObject({ totalResults: 0, Resources: [] });
  });
});
