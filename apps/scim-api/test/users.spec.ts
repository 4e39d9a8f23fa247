import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamId, UserId } from '@sso/domain';
import { ScimHarness, uname, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';
const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM Users on real Cassandra', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.richInfoLimit': 200 }));
  afterAll(() => h.stop());

  const row = async (ks: 'spar' | 'brig' | 'galley', cql: string, params: unknown[]) =>
    (await h.db.execute('test.raw', cql.replace('<ks>', h.config.cassandra.keyspaces[ks]), params)).rows;

  async function create(token: string, body: Record<string, unknown> = userBody()) {
    const r = await h.req('POST', '/scim/v2/Users', { token, body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as Record<string, unknown> & { id: string; meta: { version: string; created: string } };
  }

  describe('create', () => {
    it('answers 201 with Location, ETag and the stored document; keeps what brig has no column for', async () => {
      const { token, team } = await h.team();
      const body = userBody({
        userName: `Mixed.Case.${randomUUID().slice(0, 8)}`,
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
        emails: [
          { value: 'home@example.org', type: 'home' },
          { value: `work-${randomUUID()}@example.com`, type: 'work', primary: true },
        ],
        phoneNumbers: [
          { value: '+1 555 0100', type: 'work' },
          { value: '+1 555 0101', type: 'mobile' },
        ],
        addresses: [{ streetAddress: '1 Main St', locality: 'Springfield', country: 'US', type: 'work' }],
        title: 'Engineer',
        preferredLanguage: 'DE',
        roles: [{ value: 'admin' }],
        [ENT]: { department: 'R&D', manager: { value: 'boss' } },
        [WIRE]: { Team: 'Core' },
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
      });
      const r = await h.req('POST', '/scim/v2/Users', { token, body });
      expect(r.statusCode).toBe(201);
      expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      const u = r.json();
      expect(r.headers.location).toBe(`https://wire.example.com/scim/v2/Users/${u.id}`);
      expect(r.headers.etag).toBe(u.meta.version);
      expect(u).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, PROFILE, WIRE],
        userName: body.userName,
        externalId: body.externalId,
        displayName: 'Test User',
        name: body.name,
        emails: body.emails,
        phoneNumbers: body.phoneNumbers,
        addresses: body.addresses,
        title: 'Engineer',
        preferredLanguage: 'de',
        roles: [{ value: 'admin' }],
        // A token without an IdP: the user is invited and pending until it accepts (spar's PendingInvitation).
        active: false,
        [ENT]: { department: 'R&D', manager: { value: 'boss' } },
        [WIRE]: { Team: 'Core' },
        [PROFILE]: { richInfo: { version: 0, fields: [{ type: 'Team', value: 'Core' }] } },
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          version: expect.stringMatching(/^W\/"[0-9a-f]{64}"$/),
        },
      });
      expect(await h.req('GET', `/scim/v2/Users/${u.id}`, { token }).then((g) => g.json())).toEqual(u);

      const [user] = await row('brig', 'SELECT * FROM <ks>."user" WHERE id = ?', [u.id]);
      expect(user).toMatchObject({
        handle: String(body.userName).toLowerCase(),
        name: 'Test User',
        managed_by: 1,
        status: 4, // PendingInvitation
        activated: false,
        language: 'de',
        email_unvalidated: (body.emails as Array<{ value: string }>)[1]!.value,
        sso_id: JSON.stringify({ scim_external_id: body.externalId }),
      });
      expect(String(user!.team)).toBe(team);
      expect(
        (await row('brig', 'SELECT "user" FROM <ks>.user_handle WHERE handle = ?', [String(body.userName).toLowerCase()])).map((x) =>
          String(x.user),
        ),
      ).toEqual([u.id]);
      const [member] = await row('galley', 'SELECT perms FROM <ks>.team_member WHERE team = ? AND "user" = ?', [team, u.id]);
      expect(member).toBeDefined();
      expect((await h.identity.teams.getMember(team, u.id as UserId))?.role).toBe('admin');
      expect(await h.spar.scimExternal.get(team, String(body.externalId))).toEqual({
        team,
        externalId: body.externalId,
        uid: u.id,
        status: 'created',
      });
      expect(await h.spar.scimUserTimes.get(u.id as UserId)).toMatchObject({ uid: u.id });
      expect((await h.docs.get(u.id as UserId))?.version).toBe(u.meta.version);
      expect(JSON.parse((await h.identity.users.getRichInfo(u.id as UserId)) ?? 'null')).toEqual({
        version: 0,
        fields: [{ type: 'Team', value: 'Core' }],
      });
    });

    it('accepts application/json and charset parameters, and answers application/scim+json', async () => {
      const { token } = await h.team();
      for (const type of ['application/json', 'application/json; charset=utf-8', 'application/scim+json;charset=UTF-8']) {
        const r = await h.req('POST', '/scim/v2/Users', { token, raw: JSON.stringify(userBody()), headers: { 'content-type': type } });
        expect(r.statusCode, type).toBe(201);
        expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      }
    });

    it('with an IdP: a SAML identity in brig sso_id and user_v2 (email NameID for an email externalId)', async () => {
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const { token } = await h.team({ issuer });
      const email = `${randomUUID()}@Example.com`;
      const u = await create(token, userBody({ externalId: email, emails: undefined }));
      const [user] = await row('brig', 'SELECT sso_id, email, email_unvalidated FROM <ks>."user" WHERE id = ?', [u.id]);
      const sso = JSON.parse(String(user!.sso_id));
      expect(sso).toEqual({
        tenant: `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${issuer}</Issuer>`,
        subject: `<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${email}</NameID>`,
      });
      // validateSAMLemails is off by default: the address is activated at once.
      expect(user!.email).toBe(email);
      expect(user!.email_unvalidated).toBeNull();
      expect(await h.spar.samlUsers.get(issuer, email.toLowerCase())).toMatchObject({ uid: u.id, ssoId: sso.subject });

      const plain = await create(token, userBody({ externalId: `emp-${randomUUID()}`, emails: undefined }));
      const [p] = await row('brig', 'SELECT sso_id FROM <ks>."user" WHERE id = ?', [plain.id]);
      expect(String(p!.sso_id)).toContain('nameid-format:unspecified');
      expect(plain.displayName).toBe('Test User');

      const other = await h.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: email.toUpperCase() }) });
      expect(other.statusCode).toBe(409);
      expect(other.json()).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });

      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(204);
      expect(await h.spar.samlUsers.get(issuer, email.toLowerCase())).toBeNull();
    });

    it("applies Wire's validations (400 invalidValue, 413 for rich info)", async () => {
      const { token } = await h.team();
      const bad = async (body: Record<string, unknown>, status = 400, scimType: string | null = 'invalidValue') => {
        const r = await h.req('POST', '/scim/v2/Users', { token, body });
        expect(r.statusCode, JSON.stringify(body)).toBe(status);
        expect(r.json()).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType !== null ? { scimType } : {}) });
        return r.json().detail as string;
      };
      expect(await bad(userBody({ externalId: undefined }))).toMatch(/externalId/);
      expect(await bad(userBody({ password: 'hunter22' }))).toMatch(/[Pp]assword/);
      await bad(userBody({ userName: undefined }));
      await bad(userBody({ userName: 'a' }));
      await bad(userBody({ userName: 'has space' }));
      await bad(userBody({ userName: 'ümlaut' }));
      await bad(userBody({ userName: 'x'.repeat(257) }));
      await bad(userBody({ displayName: '' }));
      await bad(userBody({ displayName: 'd'.repeat(129) }));
      await bad(userBody({ preferredLanguage: 'eng' }));
      await bad(userBody({ roles: ['admin', 'member'] }));
      await bad(userBody({ roles: [{ value: 'superuser' }] }));
      await bad(userBody({ active: 'maybe' }));
      await bad(userBody({ externalId: 'not-an-email', emails: [{ value: 'nope' }] }));
      await bad(userBody({ schemas: ['urn:nope'] }));
      await bad(userBody({ [WIRE]: { big: 'x'.repeat(300) } }), 413, null);
      await bad(userBody({ [PROFILE]: { richInfo: { version: 0, fields: [{ type: 'k', value: 'v'.repeat(250) }] } } }), 413, null);
      // Nothing was left behind by the refusals.
      const list = await h.req('GET', '/scim/v2/Users', { token });
      expect(list.json().totalResults).toBe(0);
    });

    it('takes the email from the primary entry that is an address, else the externalId', async () => {
      const { token } = await h.team();
      const email = `${randomUUID()}@example.com`;
      const a = await create(token, userBody({ emails: [{ value: 'emailName357', primary: true }, { value: email }] }));
      expect((await h.identity.users.get(a.id as UserId))?.emailUnvalidated).toBe(email);
      const eid = `${randomUUID()}@example.net`;
      const b = await create(token, userBody({ externalId: eid, emails: [], displayName: undefined }));
      expect((await h.identity.users.get(b.id as UserId))?.emailUnvalidated).toBe(eid);
      expect(b.displayName).toBe(eid);
    });

    it('normalises rich info from both forms and returns both; roles [] means member', async () => {
      const { token, team } = await h.team();
      const u = await create(
        token,
        userBody({
          roles: [],
          [PROFILE]: {
            richInfo: [
              { type: 'Zeta', value: 'z' },
              { type: 'empty', value: '' },
              { type: 'Alpha', value: 'a' },
            ],
          },
          [WIRE]: { beta: 'b', alpha: 'dropped as a duplicate' },
        }),
      );
      expect(u[PROFILE]).toEqual({
        richInfo: {
          version: 0,
          fields: [
            { type: 'Zeta', value: 'z' },
            { type: 'Alpha', value: 'a' },
            { type: 'beta', value: 'b' },
          ],
        },
      });
      expect(u[WIRE]).toEqual({ Zeta: 'z', Alpha: 'a', beta: 'b' });
      expect((await h.identity.teams.getMember(team, u.id as UserId))?.role).toBe('member');
    });

    it('keeps userName case in SCIM, stores the lowercase handle, and makes it unique ignoring case', async () => {
      const { token } = await h.team();
      const other = await h.team();
      const name = `Case.${randomUUID().slice(0, 8)}`;
      const u = await create(token, userBody({ userName: name }));
      expect(u.userName).toBe(name);
      for (const [tok, n] of [
        [token, name.toLowerCase()],
        [other.token, name.toUpperCase()],
      ] as const) {
        const r = await h.req('POST', '/scim/v2/Users', { token: tok, body: userBody({ userName: n }) });
        expect(r.statusCode).toBe(409);
        expect(r.json()).toEqual({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: 'userName is already taken' });
      }
      const dupExt = await h.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: u.externalId }) });
      expect(dupExt.json()).toMatchObject({ status: '409', scimType: 'uniqueness', detail: 'externalId is already taken' });
      // externalIds are per team.
      expect((await h.req('POST', '/scim/v2/Users', { token: other.token, body: userBody({ externalId: u.externalId }) })).statusCode).toBe(
        201,
      );
    });

    it('suspends a user created with active false (string booleans accepted)', async () => {
      const { token } = await h.team({ issuer: `https://idp.example.com/${randomUUID()}` });
      const u = await create(token, userBody({ active: 'False' }));
      expect(u.active).toBe(false);
      expect((await h.identity.users.get(u.id as UserId))?.status).toBe('suspended');
    });
  });

  describe('concurrent creates of one user', () => {
    const total = async (token: string) => {
      const r = await h.req('GET', '/scim/v2/Users?startIndex=1&count=100', { token });
      expect(r.statusCode, r.body).toBe(200);
      const b = r.json() as { totalResults: number; Resources: unknown[] };
      // The count (index paging's totalResults) and the walk agree: no orphan member, none missed.
      expect(b.Resources).toHaveLength(b.totalResults);
      return b.totalResults;
    };
    const race = async (token: string, body: Record<string, unknown>, n: number) => {
      const rs = await Promise.all(Array.from({ length: n }, () => h.req('POST', '/scim/v2/Users', { token, body })));
      const won = rs.filter((r) => r.statusCode === 201);
      expect(won, rs.map((r) => r.body).join('\n')).toHaveLength(1);
      for (const r of rs.filter((x) => x.statusCode !== 201)) {
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json()).toMatchObject({ scimType: 'uniqueness' });
      }
      return won[0]!.json() as { id: UserId };
    };

    it('of the same userName and externalId: exactly one 201, the others 409, and only its rows', async () => {
      const { token, team } = await h.team();
      const before = await total(token);
      const body = userBody();
      const u = await race(token, body, 6);
      expect(await h.identity.users.lookupHandle(String(body.userName).toLowerCase())).toBe(u.id);
      expect(await h.spar.scimExternal.get(team, String(body.externalId))).toMatchObject({ uid: u.id, status: 'created' });
      expect(await h.invitations.get(team, u.id)).not.toBeNull();
      expect(await total(token)).toBe(before + 1);
    });

    it("with a token bound to an IdP: exactly one 201, and the SAML identity and times are the winner's", async () => {
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const { token, team } = await h.team({ issuer });
      const before = await total(token);
      const body = userBody();
      const u = await race(token, body, 6);
      expect(await h.spar.scimExternal.get(team, String(body.externalId))).toMatchObject({ uid: u.id, status: 'created' });
      expect(await h.spar.samlUsers.get(issuer, String(body.externalId).toLowerCase())).toMatchObject({ uid: u.id });
      expect(await h.spar.scimUserTimes.get(u.id)).not.toBeNull();
      expect(await total(token)).toBe(before + 1);
    });

    it('over a pending user whose invitation died: it is deleted once and exactly one create wins', async () => {
      const { token, team } = await h.team();
      const before = await total(token);
      const body = userBody();
      const old = await create(token, body);
      await h.invitations.revoke(team, old.id as UserId);
      const u = await race(token, body, 5);
      expect(u.id).not.toBe(old.id);
      expect((await h.req('GET', `/scim/v2/Users/${old.id}`, { token })).statusCode).toBe(404);
      expect(await h.identity.users.get(old.id as UserId)).toBeNull();
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(200);
      expect(await h.identity.users.lookupHandle(String(body.userName).toLowerCase())).toBe(u.id);
      expect(await h.spar.scimExternal.get(team, String(body.externalId))).toMatchObject({ uid: u.id, status: 'created' });
      // The winner's invitation is live, so the next create of it is a conflict, not a take-over.
      expect(await h.invitations.get(team, u.id)).not.toBeNull();
      expect((await h.req('POST', '/scim/v2/Users', { token, body })).statusCode).toBe(409);
      expect(await total(token)).toBe(before + 1);
    });
  });

  describe('read', () => {
    it("404 for unknown ids, non-uuids, other teams' users and non-SCIM members", async () => {
      const { token, owner } = await h.team();
      const other = await h.team();
      const u = await create(other.token);
      for (const id of [randomUUID(), 'not-a-uuid', u.id, owner]) {
        const r = await h.req('GET', `/scim/v2/Users/${id}`, { token });
        expect(r.statusCode).toBe(404);
        expect(r.json()).toEqual({ schemas: [ERROR], status: '404', detail: `User ${id} not found` });
      }
    });

    it('projects attributes and excludedAttributes; answers 304 to a matching If-None-Match', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const a = (await h.req('GET', `/scim/v2/Users/${u.id}?attributes=userName,emails.value`, { token })).json();
      expect(Object.keys(a).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
      expect(a.emails).toEqual([{ value: (u.emails as Array<{ value: string }>)[0]!.value }]);
      const e = (await h.req('GET', `/scim/v2/Users/${u.id}?excludedAttributes=emails,${PROFILE}`, { token })).json();
      expect(e).not.toHaveProperty('emails');
      expect(e).not.toHaveProperty(PROFILE);
      expect(e).toHaveProperty('userName');
      const nm = await h.req('GET', `/scim/v2/Users/${u.id}`, { token, headers: { 'if-none-match': u.meta.version } });
      expect(nm.statusCode).toBe(304);
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token, headers: { 'if-none-match': 'W/"other"' } })).statusCode).toBe(200);
    });

    it('answers under API version prefixes too', async () => {
      const { token } = await h.team();
      const u = await create(token);
      expect((await h.req('GET', `/v7/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(200);
    });
  });

  describe('users written before the document table', () => {
    it('renders a SCIM user without a document from brig, and writes the document on its first change', async () => {
      const { token, team } = await h.team();
      const uid = randomUUID() as UserId;
      const handle = uname('legacy');
      const eid = `${randomUUID()}@example.com`;
      await h.identity.users.put({
        id: uid,
        team,
        name: 'Legacy User',
        handle,
        email: null,
        emailUnvalidated: eid,
        language: 'fr',
        country: null,
        status: 'active',
        managedBy: 'scim',
        ssoId: JSON.stringify({ scim_external_id: eid }),
        passwordHash: null,
        activated: true,
      });
      expect(await h.identity.users.claimHandle(handle, uid)).toEqual({ ok: true });
      await h.identity.teams.addMember({ team, user: uid, role: 'member', invitedBy: null, invitedAt: null });
      await h.spar.scimExternal.claim(team, eid, uid);
      await h.spar.scimExternal.markCreated(team, eid, uid);
      const g = await h.req('GET', `/scim/v2/Users/${uid}`, { token });
      expect(g.statusCode).toBe(200);
      expect(g.json()).toMatchObject({
        id: uid,
        userName: handle,
        externalId: eid,
        displayName: 'Legacy User',
        preferredLanguage: 'fr',
        active: true,
        emails: [{ value: eid }],
        roles: ['member'],
      });
      expect(await h.docs.get(uid)).toBeNull(); // reads never write
      const byEid = await h.req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${eid}"`)}`, { token });
      expect(byEid.json().Resources.map((u: { id: string }) => u.id)).toEqual([uid]);
      const p = await h.req('PATCH', `/scim/v2/Users/${uid}`, {
        token,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'title', value: 'Now stored' }],
        },
        headers: { 'if-match': g.json().meta.version },
      });
      expect(p.statusCode).toBe(200);
      expect(JSON.parse((await h.docs.get(uid))!.doc)).toMatchObject({ userName: handle, title: 'Now stored' });
    });
  });

  describe('with an IdP, changing externalId', () => {
    it('moves the user_v2 row and the sso_id to the new NameID', async () => {
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const { token } = await h.team({ issuer });
      const body = userBody({ externalId: `${randomUUID()}@example.com` });
      const u = await create(token, body);
      const next = `emp-${randomUUID()}`;
      const r = await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, externalId: next } });
      expect(r.statusCode).toBe(200);
      expect(await h.spar.samlUsers.get(issuer, String(body.externalId).toLowerCase())).toBeNull();
      expect(await h.spar.samlUsers.get(issuer, next.toLowerCase())).toMatchObject({ uid: u.id });
      expect(JSON.parse((await h.identity.users.get(u.id as UserId))!.ssoId!).subject).toContain(
        `nameid-format:unspecified">${next}</NameID>`,
      );
    });
  });

  describe('replace (PUT)', () => {
    it('replaces the whole document and moves handle, externalId and status', async () => {
      const { token, team } = await h.team();
      const u = await create(token, userBody({ title: 'Old', phoneNumbers: [{ value: '1' }] }));
      await h.accepted(u.id as UserId);
      const newName = uname('Renamed');
      const newEid = `${randomUUID()}@example.com`;
      const body = userBody({
        userName: newName,
        externalId: newEid,
        active: false,
        displayName: 'New Name',
        emails: [{ value: newEid, primary: true }],
      });
      const r = await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, id: 'ignored', meta: { created: 'x' } } });
      expect(r.statusCode).toBe(200);
      const p = r.json();
      expect(p).toMatchObject({ id: u.id, userName: newName, externalId: newEid, active: false, displayName: 'New Name' });
      expect(p).not.toHaveProperty('title');
      expect(p).not.toHaveProperty('phoneNumbers');
      expect(p.meta.version).not.toBe(u.meta.version);
      expect(p.meta.created).toBe(u.meta.created);
      const user = await h.identity.users.get(u.id as UserId);
      expect(user).toMatchObject({
        handle: newName.toLowerCase(),
        status: 'suspended',
        name: 'New Name',
        email: newEid,
        emailUnvalidated: null,
        ssoId: JSON.stringify({ scim_external_id: newEid }),
      });
      expect(await h.identity.users.lookupHandle(String(u.userName).toLowerCase())).toBeNull();
      expect(await h.spar.scimExternal.get(team, String(u.externalId))).toBeNull();
      expect(await h.spar.scimExternal.get(team, newEid)).toMatchObject({ uid: u.id, status: 'created' });
      // The old userName is free again.
      expect((await h.req('POST', '/scim/v2/Users', { token, body: userBody({ userName: u.userName }) })).statusCode).toBe(201);
      // Reactivation.
      const back = await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, active: true } });
      expect(back.json().active).toBe(true);
      expect((await h.identity.users.get(u.id as UserId))?.status).toBe('active');
    });

    it('refuses a userName or externalId of another user (409) and leaves everything as it was', async () => {
      const { token } = await h.team();
      const a = await create(token);
      const b = await create(token);
      const r = await h.req('PUT', `/scim/v2/Users/${b.id}`, {
        token,
        body: userBody({ userName: String(a.userName).toUpperCase(), externalId: b.externalId }),
      });
      expect(r.json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
      const r2 = await h.req('PUT', `/scim/v2/Users/${b.id}`, {
        token,
        body: userBody({ userName: b.userName, externalId: a.externalId }),
      });
      expect(r2.json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
      expect((await h.req('GET', `/scim/v2/Users/${b.id}`, { token })).json()).toEqual(b);
      expect((await h.req('PUT', `/scim/v2/Users/${randomUUID()}`, { token, body: userBody() })).statusCode).toBe(404);
    });

    it('changes the team role only when a role is given', async () => {
      const { token, team } = await h.team();
      const body = userBody({ roles: ['partner'] });
      const u = await create(token, body);
      expect((await h.identity.teams.getMember(team, u.id as UserId))?.role).toBe('partner');
      await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, roles: [{ value: 'Owner' }] } });
      expect((await h.identity.teams.getMember(team, u.id as UserId))?.role).toBe('owner');
      await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, roles: undefined } });
      expect((await h.identity.teams.getMember(team, u.id as UserId))?.role).toBe('owner');
    });
  });

  describe('PATCH', () => {
    const patch = (token: string, id: string, ops: unknown[], query = '', headers: Record<string, string> = {}) =>
      h.req('PATCH', `/scim/v2/Users/${id}${query}`, { token, body: { schemas: [PATCH], Operations: ops }, headers });

    it('applies RFC operations; 200 with the resource and its ETag, 204 with Prefer: return=minimal', async () => {
      const { token } = await h.team();
      const u = await create(
        token,
        userBody({
          emails: [
            { value: `${randomUUID()}@example.com`, type: 'work', primary: true },
            { value: 'h@example.org', type: 'home' },
          ],
        }),
      );
      const r = await patch(token, u.id, [
        { op: 'add', path: 'phoneNumbers', value: [{ value: '+1 555', type: 'work' }] },
        { op: 'replace', path: 'name.givenName', value: 'Grace' },
        { op: 'remove', path: 'emails[type eq "home"]' },
      ]);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      const g = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect(r.json()).toEqual(g);
      expect(r.headers.etag).toBe(g.meta.version);
      const minimal = await patch(token, u.id, [{ op: 'replace', path: 'title', value: 'CEO' }], '', { prefer: 'return=minimal' });
      expect(minimal.statusCode).toBe(204);
      expect(minimal.body).toBe('');
      const g2 = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect(g2.title).toBe('CEO');
      expect(minimal.headers.etag).toBe(g2.meta.version);
      // Prefer lists may carry other preferences and parameters (RFC 7240).
      expect(
        (await patch(token, u.id, [{ op: 'replace', path: 'title', value: 'CFO' }], '', { prefer: 'respond-async, return=minimal; x=1' }))
          .statusCode,
      ).toBe(204);
      expect(
        (await patch(token, u.id, [{ op: 'replace', path: 'title', value: 'COO' }], '', { prefer: 'return=representation' })).json().title,
      ).toBe('COO');
      expect(g).toMatchObject({ phoneNumbers: [{ value: '+1 555', type: 'work' }], name: { givenName: 'Grace' } });
      expect(g.emails).toHaveLength(1);
      const with200 = await patch(token, u.id, [{ op: 'replace', path: 'title', value: 'CTO' }], '?attributes=title');
      expect(with200.statusCode).toBe(200);
      expect(with200.json()).toEqual({ schemas: g.schemas, id: u.id, title: 'CTO' });
    });

    it("accepts Entra's shapes: capitalised ops, string booleans, path-less replace with dotted and URN keys, filtered paths", async () => {
      const { token } = await h.team();
      const u = await create(token, userBody({ emails: [{ value: `${randomUUID()}@example.com`, type: 'work', primary: true }] }));
      await h.accepted(u.id as UserId);
      const newMail = `${randomUUID()}@example.com`;
      const r = await patch(token, u.id, [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', value: { 'name.familyName': 'Hopper', [`${ENT}:department`]: 'Navy', displayName: 'Grace H' } },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: newMail },
        { op: 'Add', path: `${ENT}:manager`, value: { value: 'admiral' } },
      ]);
      expect(r.statusCode, r.body).toBe(200);
      const g = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect(g).toMatchObject({
        active: false,
        displayName: 'Grace H',
        name: { familyName: 'Hopper' },
        [ENT]: { department: 'Navy', manager: { value: 'admiral' } },
      });
      expect(g.emails[0].value).toBe(newMail);
      expect(g.schemas).toContain(ENT);
      const user = await h.identity.users.get(u.id as UserId);
      expect(user).toMatchObject({ status: 'suspended', name: 'Grace H', email: newMail, emailUnvalidated: null });
      // Reactivation, as Entra sends it.
      expect((await patch(token, u.id, [{ op: 'Replace', path: 'active', value: 'True' }])).statusCode).toBe(200);
      expect((await h.identity.users.get(u.id as UserId))?.status).toBe('active');
    });

    it("accepts Okta's shapes: path-less replace of active, userName change (handle moves)", async () => {
      const { token } = await h.team();
      const u = await create(token);
      await h.accepted(u.id as UserId);
      expect((await patch(token, u.id, [{ op: 'replace', value: { active: false } }])).statusCode).toBe(200);
      expect((await h.identity.users.get(u.id as UserId))?.status).toBe('suspended');
      const n = uname('Okta');
      expect((await patch(token, u.id, [{ op: 'replace', path: 'userName', value: n }])).statusCode).toBe(200);
      expect(await h.identity.users.lookupHandle(n.toLowerCase())).toBe(u.id);
      expect(await h.identity.users.lookupHandle(String(u.userName).toLowerCase())).toBeNull();
    });

    it('changes rich info through either form, keeping both in step (PATCH and read-modify-write PUT)', async () => {
      const { token } = await h.team();
      const u = await create(token, userBody({ [WIRE]: { Dept: 'A', Floor: '3', Desk: '7' } }));
      expect(
        (
          await patch(token, u.id, [
            { op: 'remove', path: `${WIRE}:Floor` },
            { op: 'replace', path: `${WIRE}:Dept`, value: 'B' },
          ])
        ).statusCode,
      ).toBe(200);
      let g = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect(g[WIRE]).toEqual({ Desk: '7', Dept: 'B' });
      expect(g[PROFILE].richInfo.fields).toEqual([
        { type: 'Dept', value: 'B' },
        { type: 'Desk', value: '7' },
      ]);
      // Okta's read-modify-write: the map changed, the profile sent back as read.
      const { meta: _meta, id: _id, ...doc } = g;
      const put = await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...doc, [WIRE]: { Desk: '8', Room: 'R1' } } });
      expect(put.statusCode).toBe(200);
      g = put.json();
      expect(g[PROFILE].richInfo.fields).toEqual([
        { type: 'Desk', value: '8' },
        { type: 'Room', value: 'R1' },
      ]);
      expect(JSON.parse((await h.identity.users.getRichInfo(u.id as UserId)) ?? 'null').fields).toEqual(g[PROFILE].richInfo.fields);
      // The profile form changed instead.
      expect(
        (
          await patch(token, u.id, [
            { op: 'replace', path: `${PROFILE}:richInfo`, value: { version: 0, fields: [{ type: 'Only', value: 'one' }] } },
          ])
        ).statusCode,
      ).toBe(200);
      g = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect(g[WIRE]).toEqual({ Only: 'one' });
    });

    it('rejects invalid patches with SCIM errors and writes nothing', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const cases: Array<[unknown, string]> = [
        [{ Operations: [] }, 'invalidSyntax'],
        [{ schemas: [PATCH], Operations: [{ op: 'move', path: 'title' }] }, 'invalidSyntax'],
        [{ schemas: [PATCH], Operations: [{ op: 'remove', path: 'externalId' }] }, 'invalidValue'],
        [{ schemas: [PATCH], Operations: [{ op: 'remove', path: 'userName' }] }, 'mutability'],
        [{ schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'no spaces allowed' }] }, 'invalidValue'],
        [{ schemas: [PATCH], Operations: [{ op: 'remove' }] }, 'noTarget'],
        [{ schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }, 'invalidFilter'],
        [{ schemas: [PATCH], Operations: [{ op: 'replace', path: 'noSuchAttribute', value: 'x' }] }, 'invalidPath'],
      ];
      for (const [body, scimType] of cases) {
        const r = await h.req('PATCH', `/scim/v2/Users/${u.id}`, { token, body });
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
        expect(r.json(), JSON.stringify(body)).toMatchObject({ schemas: [ERROR], status: '400', scimType });
      }
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json()).toEqual(u);
      expect((await patch(token, randomUUID(), [{ op: 'replace', path: 'title', value: 'x' }])).statusCode).toBe(404);
    });
  });

  describe('hostile and careless input', () => {
    const patch = (token: string, id: string, ops: unknown[]) =>
      h.req('PATCH', `/scim/v2/Users/${id}`, { token, body: { schemas: [PATCH], Operations: ops } });
    const emails = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ value: `m${i}-${randomUUID().slice(0, 8)}@example.com`, type: 'work' }));
    const refused = (r: { statusCode: number; json: () => unknown; body: string }, scimType: string, detail: string | RegExp) => {
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json()).toMatchObject({
        schemas: [ERROR],
        status: '400',
        scimType,
        detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
      });
    };

    it('refuses a PATCH adding 20,000 emails (500 KB) with 400 and stores nothing', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const value = Array.from({ length: 20_000 }, (_, i) => ({ value: `m${i}@x.io` }));
      expect(JSON.stringify(value).length).toBeGreaterThan(400_000);
      const r = await patch(token, u.id, [{ op: 'add', path: 'emails', value }]);
      refused(r, 'invalidValue', "Attribute 'emails' takes at most 100 values, got 20000");
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json()).toEqual(u);
    });

    it('takes 100 values of a multi-valued attribute on POST, PUT and PATCH, and refuses 101 on each', async () => {
      const { token } = await h.team();
      refused(
        await h.req('POST', '/scim/v2/Users', { token, body: userBody({ phoneNumbers: emails(101) }) }),
        'invalidValue',
        "Attribute 'phoneNumbers' takes at most 100 values, got 101",
      );
      const u = await create(token, userBody({ phoneNumbers: emails(100) }));
      expect(u.phoneNumbers).toHaveLength(100);
      const { id: _id, meta: _meta, ...doc } = u;
      refused(
        await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...doc, roles: undefined, entitlements: emails(101) } }),
        'invalidValue',
        /'entitlements' takes at most 100/,
      );
      refused(
        await patch(token, u.id, [{ op: 'add', path: 'phoneNumbers', value: [{ value: '+49 1', type: 'home' }] }]),
        'invalidValue',
        "Attribute 'phoneNumbers' takes at most 100 values, got 101",
      );
      expect(
        (await patch(token, u.id, [{ op: 'replace', path: 'phoneNumbers', value: [{ value: '+49 1', type: 'home' }] }])).statusCode,
      ).toBe(200);
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json().phoneNumbers).toEqual([{ value: '+49 1', type: 'home' }]);
    });

    it('takes 1,000 operations in one PATCH and refuses 1,001 with tooMany', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));
      expect((await patch(token, u.id, ops(1000))).statusCode).toBe(200);
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json().title).toBe('t999');
      refused(
        await patch(token, u.id, ops(1001)),
        'tooMany',
        'A PATCH request carries at most 1000 operations, got 1001: split it into several requests',
      );
    });

    it('refuses control characters, bidi overrides and lone surrogates on POST, PUT and PATCH, naming the attribute', async () => {
      const { token } = await h.team();
      const bad: Array<[string, Record<string, unknown>, RegExp]> = [
        [
          'NUL in displayName',
          { displayName: 'Eve\u0000' },
          /^Attribute 'displayName' contains a control character \(U\+0000\) at position 3/,
        ],
        [
          'BEL in externalId',
          { externalId: `e-${randomUUID()}\u0007` },
          /^Attribute 'externalId' contains a control character \(U\+0007\)/,
        ],
        ['a newline in displayName', { displayName: 'Eve\nAdmin' }, /^Attribute 'displayName' contains a control character \(U\+000A\)/],
        [
          'U+202E in displayName',
          { displayName: 'Eve\u202Etxt.exe' },
          /^Attribute 'displayName' contains a bidirectional control \(U\+202E\)/,
        ],
        [
          'a lone surrogate in externalId',
          { externalId: `e-${randomUUID()}\uDC00` },
          /^Attribute 'externalId' contains a lone surrogate \(U\+DC00\)/,
        ],
        [
          'NUL in an email',
          { emails: [{ value: `eve-${randomUUID()}@example.com\u0000`, primary: true }] },
          /^Attribute 'emails\[0\]\.value' contains a control character/,
        ],
        [
          'NUL in a rich info key',
          { [WIRE]: { 'Cost\u0000center': '1' } },
          /^The attribute name '.*Cost\\u0000center' contains a control character/,
        ],
      ];
      const u = await create(token);
      const { id: _id, meta: _meta, ...doc } = u;
      for (const [what, extra, detail] of bad) {
        refused(await h.req('POST', '/scim/v2/Users', { token, body: userBody(extra) }), 'invalidValue', detail);
        refused(await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...doc, ...extra } }), 'invalidValue', detail);
        refused(await patch(token, u.id, [{ op: 'replace', value: extra }]), 'invalidValue', detail);
        expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json(), what).toEqual(u);
      }
      // By path too, as Entra sends single attributes.
      refused(
        await patch(token, u.id, [{ op: 'Replace', path: 'displayName', value: 'Eve\u0000' }]),
        'invalidValue',
        /^Attribute 'displayName'/,
      );
      refused(
        await patch(token, u.id, [{ op: 'Add', path: 'emails[type eq "home"].value', value: 'x@example.com\u0000' }]),
        'invalidValue',
        /^Attribute 'emails\[\d\]\.value'/,
      );
    });

    it('keeps what real clients send: accents, CJK, emoji, RTL names, multi-line addresses', async () => {
      const { token } = await h.team();
      const body = userBody({
        displayName: 'Zoë 山田 👩🏽‍💻',
        name: { givenName: 'محمد', familyName: 'Ñúñez' },
        addresses: [{ formatted: '1 Rue de l’Église\n75001 Paris', type: 'work' }],
        [WIRE]: { Büro: 'Zimmer 3\nNord' },
      });
      const u = await create(token, body);
      expect(u).toMatchObject({
        displayName: body.displayName,
        name: body.name,
        addresses: body.addresses,
        [WIRE]: { Büro: 'Zimmer 3\nNord' },
      });
      expect((await patch(token, u.id, [{ op: 'Replace', path: 'displayName', value: '김민준 🇰🇷' }])).statusCode).toBe(200);
      expect((await h.identity.users.get(u.id as UserId))?.name).toBe('김민준 🇰🇷');
    });
  });

  describe('ETags', () => {
    it('enforces If-Match on PUT, PATCH and DELETE with 412; a matching or * If-Match passes', async () => {
      const { token } = await h.team();
      const body = userBody();
      const u = await create(token, body);
      const stale = 'W/"0000"';
      const put = await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, title: 'x' }, headers: { 'if-match': stale } });
      expect(put.statusCode).toBe(412);
      expect(put.json()).toMatchObject({ schemas: [ERROR], status: '412' });
      const pat = await h.req('PATCH', `/scim/v2/Users/${u.id}`, {
        token,
        body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'title', value: 'y' }] },
        headers: { 'if-match': stale },
      });
      expect(pat.statusCode).toBe(412);
      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token, headers: { 'if-match': stale } })).statusCode).toBe(412);
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json()).toEqual(u);

      const ok = await h.req('PUT', `/scim/v2/Users/${u.id}`, {
        token,
        body: { ...body, title: 'x' },
        headers: { 'if-match': u.meta.version },
      });
      expect(ok.statusCode).toBe(200);
      const v2 = ok.json().meta.version as string;
      expect(
        (await h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, title: 'z' }, headers: { 'if-match': u.meta.version } }))
          .statusCode,
      ).toBe(412);
      expect(
        (
          await h.req('PATCH', `/scim/v2/Users/${u.id}`, {
            token,
            body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'title', value: 'y' }] },
            headers: { 'if-match': '*' },
          })
        ).statusCode,
      ).toBe(200);
      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token, headers: { 'if-match': v2 } })).statusCode).toBe(412);
      const cur = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token, headers: { 'if-match': cur.meta.version } })).statusCode).toBe(204);
    });

    it('of concurrent writes with the same If-Match exactly one wins (compare-and-set on the version column)', async () => {
      const { token } = await h.team();
      const body = userBody();
      const u = await create(token, body);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          h.req('PUT', `/scim/v2/Users/${u.id}`, { token, body: { ...body, title: `t${i}` }, headers: { 'if-match': u.meta.version } }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    });

    it('loses no update under concurrent PATCHes without If-Match', async () => {
      const { token } = await h.team();
      const u = await create(token);
      const rs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          h.req('PATCH', `/scim/v2/Users/${u.id}`, {
            token,
            body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: `+49 ${i}`, type: 'work' }] }] },
          }),
        ),
      );
      expect(rs.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
      const g = (await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).json();
      expect((g.phoneNumbers as Array<{ value: string }>).map((p) => p.value).sort()).toEqual(
        Array.from({ length: 6 }, (_, i) => `+49 ${i}`),
      );
    });
  });

  describe('delete', () => {
    it("is idempotent, removes every row, and never touches other teams' users", async () => {
      const { token, team } = await h.team();
      const other = await h.team();
      const u = await create(token);
      const uid = u.id as UserId;
      const foreign = await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token: other.token });
      expect(foreign.statusCode).toBe(204);
      expect(await h.identity.users.get(uid)).not.toBeNull();

      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(204);
      expect((await h.req('DELETE', `/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(204);
      expect((await h.req('DELETE', `/scim/v2/Users/not-a-uuid`, { token })).statusCode).toBe(204);
      expect((await h.req('GET', `/scim/v2/Users/${u.id}`, { token })).statusCode).toBe(404);
      expect(await h.identity.users.get(uid)).toBeNull();
      expect(await h.identity.users.lookupHandle(String(u.userName).toLowerCase())).toBeNull();
      expect(await h.identity.teams.getMember(team as TeamId, uid)).toBeNull();
      expect(await h.spar.scimExternal.get(team, String(u.externalId))).toBeNull();
      expect(await h.spar.scimUserTimes.get(uid)).toBeNull();
      expect(await h.docs.get(uid)).toBeNull();
      // The externalId and userName can be used again.
      expect(
        (await h.req('POST', '/scim/v2/Users', { token, body: userBody({ userName: u.userName, externalId: u.externalId }) })).statusCode,
      ).toBe(201);
    });
  });
});
