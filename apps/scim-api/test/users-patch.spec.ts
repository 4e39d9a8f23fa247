import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@sso/domain';
import { ScimHarness, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';
const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

type Doc = Record<string, unknown> & { id: string; meta: { version: string } };

/** PATCH as spar's clients use it: rich info by key, PUT's validation, all or nothing, 200 with the user. */
describe('SCIM PATCH on real Cassandra', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  async function create(token: string, body: Record<string, unknown> = userBody()): Promise<Doc> {
    const r = await h.req('POST', '/scim/v2/Users', { token, body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as Doc;
  }
  const patch = (token: string, id: string, ops: unknown[], headers: Record<string, string> = {}) =>
    h.req('PATCH', `/scim/v2/Users/${id}`, { token, body: { schemas: [PATCH], Operations: ops }, headers });
  const get = async (token: string, id: string) => (await h.req('GET', `/scim/v2/Users/${id}`, { token })).json() as Doc;
  const stored = async (id: string) =>
    JSON.parse((await h.identity.users.getRichInfo(id as UserId)) ?? 'null') as { fields: unknown[] } | null;
  function refused(r: { statusCode: number; json: () => unknown }, scimType: string, detail: RegExp): void {
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', scimType, detail: expect.stringMatching(detail) });
  }

  describe('rich info through the profile schema (urn:wire:scim:schemas:profile:1.0:<key>)', () => {
    const richUser = () =>
      userBody({
        [PROFILE]: {
          richInfo: {
            version: 0,
            fields: [
              { type: 'Department', value: 'Sales' },
              { type: 'Floor', value: '3' },
              { type: 'Desk', value: '7' },
            ],
          },
        },
      });

    it('appends a new key, replaces an existing one in place ignoring case, removes one; both forms and brig agree', async () => {
      const { token } = await h.team();
      const u = await create(token, richUser());
      const r = await patch(token, u.id, [
        { op: 'add', path: `${PROFILE}:Cost Center`, value: '42' },
        { op: 'replace', path: `${PROFILE}:FLOOR`, value: '4' },
        { op: 'remove', path: `${PROFILE}:desk` },
      ]);
      expect(r.statusCode, r.body).toBe(200);
      const want = [
        { type: 'Department', value: 'Sales' },
        { type: 'Floor', value: '4' },
        { type: 'Cost Center', value: '42' },
      ];
      expect((r.json()[PROFILE] as { richInfo: { fields: unknown[] } }).richInfo.fields).toEqual(want);
      expect(r.json()[WIRE]).toEqual({ Department: 'Sales', Floor: '4', 'Cost Center': '42' });
      const g = await get(token, u.id);
      expect(g[PROFILE]).toEqual({ richInfo: { version: 0, fields: want } });
      expect((await stored(u.id))?.fields).toEqual(want);
      // add of an existing key (any case) replaces it where it is, as spar does.
      await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:department`, value: 'Support' }]);
      expect(((await get(token, u.id))[PROFILE] as { richInfo: { fields: unknown[] } }).richInfo.fields).toEqual([
        { type: 'Department', value: 'Support' },
        want[1],
        want[2],
      ]);
      // Removing an absent key changes nothing; the version stays.
      const before = await get(token, u.id);
      const noop = await patch(token, u.id, [{ op: 'remove', path: `${PROFILE}:nothing` }]);
      expect(noop.statusCode).toBe(200);
      expect(noop.headers.etag).toBe(before.meta.version);
    });

    it('mixes profile and map keys in one PatchOp, path-less too, and keeps both forms in step', async () => {
      const { token } = await h.team();
      const u = await create(token, richUser());
      const r = await patch(token, u.id, [
        { op: 'remove', path: `${WIRE}:floor` },
        { op: 'add', path: `${PROFILE}:Badge`, value: 'B-9' },
        { op: 'replace', value: { [`${WIRE}:department`]: 'Legal', [`${PROFILE}:Room`]: 'R1' } },
      ]);
      expect(r.statusCode, r.body).toBe(200);
      const fields = [
        { type: 'Department', value: 'Legal' },
        { type: 'Desk', value: '7' },
        { type: 'Badge', value: 'B-9' },
        { type: 'Room', value: 'R1' },
      ];
      const g = await get(token, u.id);
      expect(g[PROFILE]).toEqual({ richInfo: { version: 0, fields } });
      expect(g[WIRE]).toEqual({ Department: 'Legal', Desk: '7', Badge: 'B-9', Room: 'R1' });
      expect((await stored(u.id))?.fields).toEqual(fields);
      // Removing the profile form removes the rich info (both forms are the same data).
      expect((await patch(token, u.id, [{ op: 'remove', path: PROFILE }])).statusCode).toBe(200);
      const gone = await get(token, u.id);
      const fresh = await create(token);
      expect(gone[PROFILE]).toEqual(fresh[PROFILE]);
      expect(gone[WIRE]).toEqual(fresh[WIRE]);
      expect(gone.schemas).toEqual(fresh.schemas);
      expect((await stored(u.id))?.fields).toEqual([]);
    });

    it('refuses non-text values, empty keys and rich info past richInfoLimit, and writes nothing', async () => {
      const { token } = await h.team();
      const u = await create(token, richUser());
      refused(
        await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:Floor`, value: 5 }]),
        'invalidValue',
        /Rich info field 'Floor' takes a string value/,
      );
      refused(await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:Floor`, value: { a: 'b' } }]), 'invalidValue', /string value/);
      refused(await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:`, value: 'x' }]), 'invalidPath', /names no rich info field/);
      refused(await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:Bad\u0007Key`, value: 'x' }]), 'invalidValue', /control character/);
      const big = await patch(token, u.id, [{ op: 'add', path: `${PROFILE}:Essay`, value: 'x'.repeat(5000) }]);
      expect(big.statusCode).toBe(413);
      expect(await get(token, u.id)).toEqual(u);
    });
  });

  describe('validated as PUT validates, all operations or none', () => {
    it('refuses what POST refuses: a number for displayName, a bare string for emails', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const post = await h.req('POST', '/scim/v2/Users', { token, body: userBody({ displayName: 5 }) });
      refused(post, 'invalidValue', /'displayName' must be a string/);
      refused(await patch(token, u.id, [{ op: 'replace', path: 'displayName', value: 5 }]), 'invalidValue', /displayName.*string/);
      refused(await patch(token, u.id, [{ op: 'replace', value: { displayName: 5 } }]), 'invalidValue', /displayName.*string/);
      refused(await patch(token, u.id, [{ op: 'replace', path: 'emails', value: 'hello' }]), 'invalidValue', /emails/);
      refused(await patch(token, u.id, [{ op: 'add', path: 'emails', value: ['hello'] }]), 'invalidValue', /emails/);
      refused(await patch(token, u.id, [{ op: 'replace', path: 'title', value: 7 }]), 'invalidValue', /title.*string/);
      refused(
        await h.req('PUT', `/scim/v2/Users/${u.id}`, {
          token,
          body: { ...userBody(), userName: u.userName, externalId: u.externalId, title: 7 },
        }),
        'invalidValue',
        /title.*string/,
      );
      expect(await get(token, u.id)).toEqual(u);
      // What PUT accepts, PATCH accepts: a string, and an email entry object.
      const ok = await patch(token, u.id, [
        { op: 'replace', path: 'displayName', value: '5' },
        { op: 'add', path: 'emails', value: { value: 'second@example.com', type: 'home' } },
      ]);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({
        displayName: '5',
        emails: expect.arrayContaining([{ value: 'second@example.com', type: 'home' }]),
      });
    });

    it('applies nothing when a later operation is invalid, or when the result fails validation', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const cases: Array<[unknown[], string]> = [
        [
          [
            { op: 'replace', path: 'displayName', value: 'First applied?' },
            { op: 'replace', path: 'noSuchAttribute', value: 'x' },
          ],
          'invalidPath',
        ],
        [
          [
            { op: 'replace', path: 'title', value: 'Boss' },
            { op: 'replace', path: 'displayName', value: 5 },
          ],
          'invalidValue',
        ],
        [
          [
            { op: 'replace', path: 'title', value: 'Boss' },
            { op: 'replace', path: 'userName', value: 'not valid!' },
          ],
          'invalidValue',
        ],
        [
          [
            { op: 'add', path: `${PROFILE}:Dept`, value: 'A' },
            { op: 'replace', path: 'preferredLanguage', value: 'english' },
          ],
          'invalidValue',
        ],
        [
          [
            { op: 'replace', path: 'active', value: false },
            { op: 'remove', path: 'externalId' },
          ],
          'invalidValue',
        ],
        [
          [
            { op: 'replace', path: 'title', value: 'Boss' },
            { op: 'replace', path: 'roles', value: [{ value: 'emperor' }] },
          ],
          'invalidValue',
        ],
      ];
      for (const [ops, scimType] of cases) {
        const r = await patch(token, u.id, ops);
        expect(r.statusCode, JSON.stringify(ops)).toBe(400);
        expect(r.json()).toMatchObject({ status: '400', scimType });
      }
      expect(await get(token, u.id)).toEqual(u);
      // Still the pending invitation of a token without an IdP.
      expect((await h.identity.users.get(u.id as UserId))?.status).toBe('pending-invitation');
    });
  });

  describe('the answer', () => {
    it('is 204 by default with scim.patchResponse=minimal; Prefer: return=representation still gets the user', async () => {
      const m = new ScimHarness();
      await m.start({ 'scim.patchResponse': 'minimal' });
      try {
        const { token } = await m.team();
        const c = await m.req('POST', '/scim/v2/Users', { token, body: userBody() });
        const u = c.json() as Doc;
        const p = (ops: unknown[], headers: Record<string, string> = {}) =>
          m.req('PATCH', `/scim/v2/Users/${u.id}`, { token, body: { schemas: [PATCH], Operations: ops }, headers });
        const r = await p([{ op: 'replace', path: 'title', value: 'A' }]);
        expect(r.statusCode).toBe(204);
        expect(r.body).toBe('');
        expect(r.headers.etag).toMatch(/^W\/"/);
        const full = await p([{ op: 'replace', path: 'title', value: 'B' }], { prefer: 'return=representation' });
        expect(full.statusCode).toBe(200);
        expect(full.json()).toMatchObject({ id: u.id, title: 'B' });
        expect(full.headers.etag).toBe((full.json() as Doc).meta.version);
        // attributes= asks for a representation too.
        const some = await m.req('PATCH', `/scim/v2/Users/${u.id}?attributes=title`, {
          token,
          body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'C' }] },
        });
        expect(some.statusCode).toBe(200);
        expect(some.json()).toEqual({ schemas: u.schemas, id: u.id, title: 'C' });
        const g = await m.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], displayName: `g-${randomUUID()}` } });
        const gp = await m.req('PATCH', `/scim/v2/Groups/${g.json().id}`, {
          token,
          body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] },
        });
        expect(gp.statusCode).toBe(204);
      } finally {
        await m.stop();
      }
    });

    it('is 200 with the group on Groups too, 204 with Prefer: return=minimal', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const g = (
        await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], displayName: `g-${randomUUID()}` } })
      ).json() as Doc;
      const r = await h.req('PATCH', `/scim/v2/Groups/${g.id}`, {
        token,
        body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ id: g.id, members: [{ value: u.id }] });
      expect(r.headers.etag).toBe((r.json() as Doc).meta.version);
      const min = await h.req('PATCH', `/scim/v2/Groups/${g.id}`, {
        token,
        body: { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] },
        headers: { prefer: 'return=minimal' },
      });
      expect(min.statusCode).toBe(204);
      expect(min.body).toBe('');
    });
  });

  describe('DELETE with a content type and no body (SAP)', () => {
    it('deletes users and groups', async () => {
      const { token } = await h.team();
      for (const type of ['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8']) {
        const u = await create(token);
        const g = (
          await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], displayName: `g-${randomUUID()}` } })
        ).json() as Doc;
        for (const [path, kind] of [
          [`/scim/v2/Users/${u.id}`, 'user'],
          [`/scim/v2/Groups/${g.id}`, 'group'],
        ] as const) {
          const r = await h.t.app.inject({
            method: 'DELETE',
            url: path,
            headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': '0' },
          });
          expect(r.statusCode, `${kind} ${type}: ${r.body}`).toBe(204);
          expect((await h.req('GET', path, { token })).statusCode).toBe(404);
        }
        expect(await h.identity.users.get(u.id as UserId)).toBeNull();
      }
    });
  });
});
