import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUserId, newUserRecord } from '@sso/domain';
import { ScimHarness, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BASE = 'https://wire.example.com/scim/v2';

type Group = {
  id: string;
  displayName: string;
  externalId?: string;
  members?: Array<{ value: string; display?: string; type: string; $ref: string }>;
  meta: { version: string; location: string; created: string; lastModified: string };
};

describe('SCIM Groups on real Cassandra', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  async function user(token: string): Promise<string> {
    const r = await h.req('POST', '/scim/v2/Users', { token, body: userBody() });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  async function create(token: string, body: Record<string, unknown>): Promise<Group> {
    const r = await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], ...body } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as Group;
  }

  const get = async (token: string, id: string, query = '') => h.req('GET', `/scim/v2/Groups/${id}${query}`, { token });
  const memberIds = async (token: string, id: string) =>
    (((await get(token, id)).json() as Group).members ?? []).map((m) => m.value).sort();
  const patch = (token: string, id: string, ops: unknown[], headers: Record<string, string> = {}) =>
    h.req('PATCH', `/scim/v2/Groups/${id}`, { token, body: { schemas: [PATCH], Operations: ops }, headers });

  describe('create and get', () => {
    it('answers 201 with Location, ETag, members with type and $ref; GET by id returns the same', async () => {
      const { token } = await h.team();
      const [a, b] = [await user(token), await user(token)];
      const r = await h.req('POST', '/scim/v2/Groups', {
        token,
        body: {
          schemas: [GROUP],
          displayName: 'Sales',
          externalId: 'ext-1',
          members: [{ value: a, display: 'A' }, { value: b.toUpperCase() }],
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const g = r.json() as Group;
      expect(r.headers.location).toBe(`${BASE}/Groups/${g.id}`);
      expect(r.headers.etag).toBe(g.meta.version);
      expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(g).toMatchObject({
        schemas: [GROUP],
        displayName: 'Sales',
        externalId: 'ext-1',
        meta: { resourceType: 'Group', location: `${BASE}/Groups/${g.id}` },
      });
      expect(g.members).toEqual(
        expect.arrayContaining([
          { value: a, display: 'A', type: 'User', $ref: `${BASE}/Users/${a}` },
          { value: b, type: 'User', $ref: `${BASE}/Users/${b}` },
        ]),
      );
      const again = await get(token, g.id);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ ...g, members: expect.arrayContaining(g.members!) });
      expect((await get(token, g.id, '')).headers.etag).toBe(g.meta.version);
      const nm = await h.req('GET', `/scim/v2/Groups/${g.id}`, { token, headers: { 'if-none-match': g.meta.version } });
      expect(nm.statusCode).toBe(304);
    });

    it('accepts a group without members (Microsoft garbage folder) and with an empty list', async () => {
      const { token } = await h.team();
      expect((await create(token, { displayName: 'Empty' })).members ?? []).toEqual([]);
      const r = await h.req('POST', '/scim/v2/Groups', { token, body: { displayName: 'No schemas', members: [] } });
      expect(r.statusCode).toBe(201);
    });

    it('refuses bad input with 400 (never a 500)', async () => {
      const { token, owner } = await h.team();
      const other = await h.team();
      const foreign = await user(other.token);
      const cases: Array<[unknown, RegExp]> = [
        [{ schemas: [GROUP] }, /displayName/],
        [{ schemas: [GROUP], displayName: '' }, /displayName/],
        [{ schemas: [GROUP], displayName: 'x'.repeat(4001) }, /displayName/],
        [{ schemas: [GROUP], displayName: 42 }, /displayName/],
        [{ schemas: [GROUP], displayName: 'x', externalId: 5 }, /externalId/],
        [{ schemas: ['urn:nope'], displayName: 'x' }, /schemas/],
        [{ schemas: [GROUP], displayName: 'x', members: 'nope' }, /members/],
        [{ schemas: [GROUP], displayName: 'x', members: [{ display: 'no value' }] }, /value/],
        [{ schemas: [GROUP], displayName: 'x', members: [{ value: 7 }] }, /value/],
        [{ schemas: [GROUP], displayName: 'x', members: [{ value: 'not-a-uuid' }] }, /not-a-uuid/],
        [
          { schemas: [GROUP], displayName: 'x', members: [{ value: newUserId() }] },
          /These users do not exist, are not in your team, or not "managed_by" = "scim"/,
        ],
        [{ schemas: [GROUP], displayName: 'x', members: [{ value: foreign }] }, new RegExp(foreign)],
        [{ schemas: [GROUP], displayName: 'x', members: [{ value: owner }] }, new RegExp(owner)],
        [[1, 2], /object/],
      ];
      for (const [body, detail] of cases) {
        const r = await h.req('POST', '/scim/v2/Groups', { token, body });
        expect(r.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', detail: expect.stringMatching(detail) });
      }
      expect((await create(token, { displayName: 'x'.repeat(4000) })).displayName).toHaveLength(4000);
    });

    it('404 "Group <id> not found" for unknown ids, non-uuids and other teams\' groups', async () => {
      const a = await h.team();
      const b = await h.team();
      const g = await create(a.token, { displayName: 'Secret' });
      for (const id of [randomUUID(), 'not-a-uuid', g.id]) {
        const r = await get(b.token, id);
        expect(r.statusCode).toBe(404);
        expect(r.json()).toEqual({ schemas: [ERROR], status: '404', detail: `Group ${id} not found` });
      }
      expect(
        (await h.req('PUT', `/scim/v2/Groups/${g.id}`, { token: b.token, body: { schemas: [GROUP], displayName: 'Mine' } })).statusCode,
      ).toBe(404);
      expect((await patch(b.token, g.id, [{ op: 'replace', path: 'displayName', value: 'Mine' }])).statusCode).toBe(404);
      expect((await h.req('DELETE', `/scim/v2/Groups/${g.id}`, { token: b.token })).statusCode).toBe(204);
      expect(
        (await h.req('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Secret"')}`, { token: b.token })).json(),
      ).toMatchObject({ totalResults: 0 });
      expect(((await get(a.token, g.id)).json() as Group).displayName).toBe('Secret');
      expect((await h.req('GET', `/scim/v2/Groups/${g.id}`)).statusCode).toBe(401);
    });
  });

  describe('list and search', () => {
    it('lists without a filter in a stable order, pages with startIndex/count and with cursors', async () => {
      const { token } = await h.team();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await create(token, { displayName: `G${i}` })).id);
      const all = await h.req('GET', '/scim/v2/Groups', { token });
      expect(all.statusCode).toBe(200);
      const order = (all.json().Resources as Group[]).map((g) => g.id);
      expect([...order].sort()).toEqual([...ids].sort());
      expect(all.json()).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 5 });
      const p2 = await h.req('GET', '/scim/v2/Groups?startIndex=3&count=2', { token });
      expect((p2.json().Resources as Group[]).map((g) => g.id)).toEqual(order.slice(2, 4));
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 5; i++) {
        const r = await h.req('GET', `/scim/v2/Groups?count=2&cursor=${cursor}`, { token });
        expect(r.statusCode, r.body).toBe(200);
        seen.push(...(r.json().Resources as Group[]).map((g) => g.id));
        if (!r.json().nextCursor) break;
        cursor = r.json().nextCursor as string;
      }
      expect(seen).toEqual(order);
      const sorted = await h.req('GET', '/scim/v2/Groups?sortBy=displayName&sortOrder=descending', { token });
      expect((sorted.json().Resources as Group[]).map((g) => g.displayName)).toEqual(['G4', 'G3', 'G2', 'G1', 'G0']);
    });

    it('filters: displayName eq ignores case (keyed), co/sw/and/not/members.value, and POST .search', async () => {
      const { token } = await h.team();
      const u = await user(token);
      const sales = await create(token, { displayName: 'Sales EMEA', externalId: 'x1', members: [{ value: u }] });
      await create(token, { displayName: 'Support' });
      const q = async (filter: string, extra = '') => {
        const r = await h.req('GET', `/scim/v2/Groups?filter=${encodeURIComponent(filter)}${extra}`, { token });
        expect(r.statusCode, r.body).toBe(200);
        return (r.json().Resources as Group[]).map((g) => g.displayName).sort();
      };
      expect(await q('displayName eq "sales emea"')).toEqual(['Sales EMEA']);
      expect(await q('DISPLAYNAME eq "Nope"')).toEqual([]);
      expect(await q('displayName co "s"')).toEqual(['Sales EMEA', 'Support']);
      expect(await q('displayName sw "Su" or externalId eq "x1"')).toEqual(['Sales EMEA', 'Support']);
      expect(await q('not (displayName sw "Sa")')).toEqual(['Support']);
      expect(await q(`members.value eq "${u}"`)).toEqual(['Sales EMEA']);
      expect(await q(`members[value eq "${u}"]`)).toEqual(['Sales EMEA']);
      expect(await q(`id eq "${sales.id}"`)).toEqual(['Sales EMEA']);
      expect(await q('displayName eq "Sales EMEA" and externalId eq "nope"')).toEqual([]);
      const bad = await h.req('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq')}`, { token });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ scimType: 'invalidFilter' });
      const s = await h.req('POST', '/scim/v2/Groups/.search', {
        token,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName eq "Support"', count: 5 },
      });
      expect(s.statusCode).toBe(200);
      expect(s.json()).toMatchObject({ totalResults: 1, Resources: [{ displayName: 'Support' }] });
    });

    it('excludedAttributes=members leaves members out (and attributes= projects) on GET by id and in lists', async () => {
      const { token } = await h.team();
      const u = await user(token);
      const g = await create(token, { displayName: 'With members', members: [{ value: u }] });
      const one = (await get(token, g.id, '?excludedAttributes=members')).json() as Group;
      expect(one.members).toBeUndefined();
      expect(one.displayName).toBe('With members');
      const list = await h.req(
        'GET',
        `/scim/v2/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "With members"')}`,
        { token },
      );
      expect(list.json().Resources[0].members).toBeUndefined();
      const only = await h.req('GET', `/scim/v2/Groups/${g.id}?attributes=displayName`, { token });
      expect(Object.keys(only.json()).sort()).toEqual(['displayName', 'id', 'schemas']);
      const withMembers = await h.req('GET', '/scim/v2/Groups', { token });
      expect(withMembers.json().Resources[0].members).toEqual([{ value: u, type: 'User', $ref: `${BASE}/Users/${u}` }]);
    });
  });

  describe('PUT', () => {
    it('replaces displayName, externalId and members wholesale; refuses unknown members; 404 when absent', async () => {
      const { token } = await h.team();
      const [a, b, c] = [await user(token), await user(token), await user(token)];
      const g = await create(token, { displayName: 'Before', externalId: 'e', members: [{ value: a }, { value: b }] });
      const r = await h.req('PUT', `/scim/v2/Groups/${g.id}`, {
        token,
        body: { schemas: [GROUP], id: g.id, displayName: 'After', members: [{ value: b }, { value: c }] },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ displayName: 'After' });
      expect(r.json().externalId).toBeUndefined();
      expect(r.headers.etag).not.toBe(g.meta.version);
      expect(await memberIds(token, g.id)).toEqual([b, c].sort());
      const bad = await h.req('PUT', `/scim/v2/Groups/${g.id}`, {
        token,
        body: { schemas: [GROUP], displayName: 'X', members: [{ value: newUserId() }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(await memberIds(token, g.id)).toEqual([b, c].sort());
      expect(
        (await h.req('PUT', `/scim/v2/Groups/${randomUUID()}`, { token, body: { schemas: [GROUP], displayName: 'X' } })).statusCode,
      ).toBe(404);
      const byName = await h.req('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "before"')}`, { token });
      expect(byName.json().totalResults).toBe(0);
    });
  });

  describe('PATCH', () => {
    it('handles the Entra and Okta shapes; answers 200 with the group and its new ETag', async () => {
      const { token } = await h.team();
      const [a, b, c] = [await user(token), await user(token), await user(token)];
      const g = await create(token, { displayName: 'Team', members: [] });
      const add = await patch(token, g.id, [{ op: 'Add', path: 'members', value: [{ value: a }, { value: b }, { value: c }] }]);
      expect(add.statusCode, add.body).toBe(200);
      expect(add.headers.etag).not.toBe(g.meta.version);
      expect(add.headers.etag).toBe(add.json().meta.version);
      expect((add.json().members as Array<{ value: string }>).map((m) => m.value).sort()).toEqual([a, b, c].sort());
      expect(await memberIds(token, g.id)).toEqual([a, b, c].sort());
      // Entra without aadOptscim062020: Remove with a value list removes only those.
      expect((await patch(token, g.id, [{ op: 'Remove', path: 'members', value: [{ value: a }] }])).statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([b, c].sort());
      // Entra with the flag, Okta: a filtered removal.
      expect((await patch(token, g.id, [{ op: 'remove', path: `members[value eq "${b}"]` }])).statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([c]);
      // Adding an existing member and removing an absent one are not errors.
      expect(
        (
          await patch(token, g.id, [
            { op: 'add', path: 'members', value: [{ value: c }] },
            { op: 'remove', path: `members[value eq "${a}"]` },
          ])
        ).statusCode,
      ).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([c]);
      expect((await patch(token, g.id, [{ op: 'replace', path: 'displayName', value: 'Renamed' }])).statusCode).toBe(200);
      expect((await patch(token, g.id, [{ op: 'Replace', value: { id: g.id, displayName: 'Path-less' } }])).statusCode).toBe(200);
      const shown = await h.req('PATCH', `/scim/v2/Groups/${g.id}?excludedAttributes=members`, {
        token,
        body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { displayName: 'Shown', externalId: 'ext' } }] },
      });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toMatchObject({ displayName: 'Shown', externalId: 'ext' });
      expect(shown.json().members).toBeUndefined();
      expect((await patch(token, g.id, [{ op: 'replace', path: 'members', value: [{ value: a }, { value: b }] }])).statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([a, b].sort());
      expect((await patch(token, g.id, [{ op: 'remove', path: 'members' }])).statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([]);
      const found = await h.req('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "shown"')}`, { token });
      expect(found.json().totalResults).toBe(1);
    });

    it('skips members that are not SCIM users of the team; refuses malformed operations with 400', async () => {
      const { token, owner } = await h.team();
      const other = await h.team();
      const foreign = await user(other.token);
      const a = await user(token);
      const g = await create(token, { displayName: 'Lenient' });
      const r = await patch(token, g.id, [
        {
          op: 'add',
          path: 'members',
          value: [{ value: a }, { value: foreign }, { value: owner }, { value: 'garbage' }, { value: newUserId() }],
        },
      ]);
      expect(r.statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([a]);
      expect((await patch(token, g.id, [{ op: 'add', path: 'members', value: 'string id 1' }])).statusCode).toBe(200);
      const bad: unknown[][] = [
        [{ op: 'move', path: 'members' }],
        [{ op: 'remove', path: 'displayName' }],
        [{ op: 'replace', path: 'displayName', value: '' }],
        [{ op: 'replace', path: 'displayName', value: 'x'.repeat(4001) }],
        [{ op: 'replace', path: 'displayName', value: 3 }],
        [{ op: 'replace', path: 'id', value: randomUUID() }],
        [{ op: 'replace', value: { id: randomUUID() } }],
        [{ op: 'replace', path: 'nickName', value: 'x' }],
        [{ op: 'remove' }],
        [{ op: 'add', path: 'members', value: [{ nope: 1 }] }],
        [{ op: 'remove', path: 'members[value eq' }],
        [{ op: 'remove', path: 'members[nope eq "x"]' }],
        [{ op: 'replace', path: 'members[value eq "x"].value', value: 'y' }],
      ];
      for (const ops of bad) {
        const res = await patch(token, g.id, ops);
        expect(res.statusCode, JSON.stringify(ops)).toBe(400);
        expect(res.json()).toMatchObject({ schemas: [ERROR], status: '400' });
      }
      const noSchemas = await h.req('PATCH', `/scim/v2/Groups/${g.id}`, { token, body: { Operations: [] } });
      expect(noSchemas.statusCode).toBe(400);
      expect(await memberIds(token, g.id)).toEqual([a]);
    });

    it('applies all operations or none: an invalid later operation leaves name and members as they were', async () => {
      const { token } = await h.team();
      const [a, b] = [await user(token), await user(token)];
      const g = await create(token, { displayName: 'Atomic', members: [{ value: a }] });
      const later: unknown[] = [
        { op: 'replace', path: 'displayName', value: '' },
        { op: 'replace', path: 'displayName', value: 5 },
        { op: 'replace', path: 'nickName', value: 'x' },
        { op: 'add', path: 'members', value: [{ value: b, display: 'Bad\u0000' }] },
        { op: 'remove' },
      ];
      for (const bad of later) {
        const r = await patch(token, g.id, [
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'remove', path: 'members' },
          { op: 'add', path: 'members', value: [{ value: b }] },
          bad,
        ]);
        expect(r.statusCode, JSON.stringify(bad)).toBe(400);
        expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400' });
      }
      expect(((await get(token, g.id)).json() as Group).displayName).toBe('Atomic');
      expect(await memberIds(token, g.id)).toEqual([a]);
    });

    it('20 concurrent PATCH adds of different members all end in the group', async () => {
      const { token } = await h.team();
      const users = await Promise.all(Array.from({ length: 20 }, () => user(token)));
      const g = await create(token, { displayName: 'Crowd' });
      const results = await Promise.all(users.map((u) => patch(token, g.id, [{ op: 'add', path: 'members', value: [{ value: u }] }])));
      expect(results.map((r) => r.statusCode)).toEqual(users.map(() => 200));
      expect(await memberIds(token, g.id)).toEqual([...users].sort());
    });

    it('If-Match and If-None-Match: 412 on a stale version, applied on the current one', async () => {
      const { token } = await h.team();
      const a = await user(token);
      const g = await create(token, { displayName: 'Guarded' });
      const v1 = g.meta.version;
      const ok = await patch(token, g.id, [{ op: 'add', path: 'members', value: [{ value: a }] }], { 'if-match': v1 });
      expect(ok.statusCode).toBe(200);
      const v2 = ok.headers.etag as string;
      expect(v2).not.toBe(v1);
      const stale = await patch(token, g.id, [{ op: 'replace', path: 'displayName', value: 'Lost' }], { 'if-match': v1 });
      expect(stale.statusCode).toBe(412);
      expect(stale.json()).toMatchObject({ schemas: [ERROR], status: '412' });
      expect((await patch(token, g.id, [{ op: 'remove', path: 'members' }], { 'if-none-match': v2 })).statusCode).toBe(412);
      expect(
        (
          await h.req('PUT', `/scim/v2/Groups/${g.id}`, {
            token,
            body: { schemas: [GROUP], displayName: 'P' },
            headers: { 'if-match': v1 },
          })
        ).statusCode,
      ).toBe(412);
      expect((await h.req('DELETE', `/scim/v2/Groups/${g.id}`, { token, headers: { 'if-match': v1 } })).statusCode).toBe(412);
      expect(((await get(token, g.id)).json() as Group).displayName).toBe('Guarded');
      expect(await memberIds(token, g.id)).toEqual([a]);
      // A member change without If-Match moves the ETag too.
      await patch(token, g.id, [{ op: 'remove', path: 'members' }]);
      expect((await patch(token, g.id, [{ op: 'replace', path: 'displayName', value: 'Late' }], { 'if-match': v2 })).statusCode).toBe(412);
    });
  });

  describe('DELETE and user deletion', () => {
    it('deletes a group (204, also when absent) with its member and reverse rows', async () => {
      const { token, team } = await h.team();
      const a = await user(token);
      const g = await create(token, { displayName: 'Doomed', members: [{ value: a }] });
      expect((await h.req('DELETE', `/scim/v2/Groups/${g.id}`, { token })).statusCode).toBe(204);
      expect((await get(token, g.id)).statusCode).toBe(404);
      expect((await h.req('DELETE', `/scim/v2/Groups/${g.id}`, { token })).statusCode).toBe(204);
      expect((await h.req('DELETE', '/scim/v2/Groups/not-a-uuid', { token })).statusCode).toBe(204);
      const rows = await h.db.execute('test.raw', `SELECT * FROM ${h.config.cassandra.keyspaces.brig}.scim_user_group WHERE "user" = ?`, [
        a,
      ]);
      expect(rows.rows).toHaveLength(0);
      const members = await h.db.execute(
        'test.raw',
        `SELECT * FROM ${h.config.cassandra.keyspaces.brig}.scim_group_member WHERE team = ? AND group_id = ?`,
        [team, g.id],
      );
      expect(members.rows).toHaveLength(0);
    });

    it('a user shows its groups on GET by id, and leaves them when deleted', async () => {
      const { token } = await h.team();
      const [a, b] = [await user(token), await user(token)];
      const g1 = await create(token, { displayName: 'One', members: [{ value: a }, { value: b }] });
      const g2 = await create(token, { displayName: 'Two', members: [{ value: a }] });
      const u = (await h.req('GET', `/scim/v2/Users/${a}`, { token })).json();
      expect(u.groups).toEqual(
        expect.arrayContaining([
          { value: g1.id, display: 'One', $ref: `${BASE}/Groups/${g1.id}`, type: 'direct' },
          { value: g2.id, display: 'Two', $ref: `${BASE}/Groups/${g2.id}`, type: 'direct' },
        ]),
      );
      expect(u.groups).toHaveLength(2);
      expect((await h.req('GET', `/scim/v2/Users/${a}?excludedAttributes=groups`, { token })).json().groups).toBeUndefined();
      expect((await h.req('DELETE', `/scim/v2/Users/${a}`, { token })).statusCode).toBe(204);
      expect(await memberIds(token, g1.id)).toEqual([b]);
      expect(await memberIds(token, g2.id)).toEqual([]);
    });

    it('a user who is not SCIM-managed cannot be added even by PUT', async () => {
      const { token, team } = await h.team();
      const plain = newUserId();
      await h.identity.users.put(newUserRecord({ id: plain, team, name: 'Plain', email: `${randomUUID()}@example.com` }));
      const g = await create(token, { displayName: 'Strict' });
      const r = await h.req('PUT', `/scim/v2/Groups/${g.id}`, {
        token,
        body: { schemas: [GROUP], displayName: 'Strict', members: [{ value: plain }] },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().detail).toContain(plain);
    });
  });

  describe('hostile and careless input', () => {
    const ids = (n: number) => Array.from({ length: n }, () => ({ value: randomUUID() }));
    const refused = (r: { statusCode: number; json: () => { detail: string }; body: string }, detail: string | RegExp) => {
      expect(r.statusCode, r.body.slice(0, 300)).toBe(400);
      expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
      if (typeof detail === 'string') expect(r.json().detail).toBe(detail);
      else expect(r.json().detail).toMatch(detail);
    };
    const cap = "Attribute 'members' takes at most 10000 members in one request, got 10001: send them in several requests";

    it('takes 10,000 members in one request on POST, PUT and PATCH, and refuses 10,001', async () => {
      const { token } = await h.team();
      // 10,000 unknown ids pass the cap and fail on what they are (POST/PUT are all-or-nothing).
      refused(
        await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], displayName: 'Big', members: ids(10_000) } }),
        /^These users do not exist/,
      );
      refused(await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], displayName: 'Big', members: ids(10_001) } }), cap);
      const g = await create(token, { displayName: 'Big' });
      refused(
        await h.req('PUT', `/scim/v2/Groups/${g.id}`, { token, body: { schemas: [GROUP], displayName: 'Big', members: ids(10_001) } }),
        cap,
      );
      // PATCH skips ids that are not the team's users; the cap counts every operation.
      expect((await patch(token, g.id, [{ op: 'add', path: 'members', value: ids(10_000) }])).statusCode).toBe(200);
      refused(
        await patch(token, g.id, [
          { op: 'add', path: 'members', value: ids(5_000) },
          { op: 'remove', path: 'members', value: ids(5_001) },
        ]),
        cap,
      );
      expect((await get(token, g.id)).json()).toMatchObject({ displayName: 'Big', members: [] });
    });

    it("the group's own size is not capped: members added over several requests add up", async () => {
      const { token } = await h.team();
      const users = await Promise.all(Array.from({ length: 3 }, () => user(token)));
      const g = await create(token, { displayName: 'Growing', members: [{ value: users[0] }] });
      for (const u of users.slice(1))
        expect((await patch(token, g.id, [{ op: 'add', path: 'members', value: [{ value: u }] }])).statusCode).toBe(200);
      expect(await memberIds(token, g.id)).toEqual([...users].sort());
    });

    it('refuses unsafe characters in displayName, externalId and member display on POST, PUT and PATCH', async () => {
      const { token } = await h.team();
      const u = await user(token);
      const g = await create(token, { displayName: 'Clean', members: [{ value: u }] });
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ displayName: 'Sales\u0000' }, /^Attribute 'displayName' contains a control character \(U\+0000\) at position 5/],
        [{ displayName: 'Sales\u202E' }, /^Attribute 'displayName' contains a bidirectional control/],
        [{ displayName: 'Sales', externalId: 'x\u0007' }, /^Attribute 'externalId' contains a control character \(U\+0007\)/],
        [{ displayName: 'Sales', members: [{ value: u, display: 'A\nB' }] }, /^Attribute 'members\[0\]\.display'/],
      ];
      for (const [body, detail] of cases) {
        refused(await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], ...body } }), detail);
        refused(await h.req('PUT', `/scim/v2/Groups/${g.id}`, { token, body: { schemas: [GROUP], ...body } }), detail);
        refused(await patch(token, g.id, [{ op: 'replace', value: body }]), detail);
      }
      expect((await get(token, g.id)).json()).toMatchObject({ displayName: 'Clean' });
      expect((await patch(token, g.id, [{ op: 'replace', path: 'displayName', value: 'Vertrieb 販売 🚀' }])).statusCode).toBe(200);
      expect((await get(token, g.id)).json().displayName).toBe('Vertrieb 販売 🚀');
    });
  });
});
