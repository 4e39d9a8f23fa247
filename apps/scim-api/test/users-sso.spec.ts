import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TeamId, type UserId, emailKey, newUserId, newUserRecord } from '@sso/domain';
import { NAMEID_FORMATS, brigSsoId, nameIdXml, normalizeNameId } from '@sso/saml';
import { ScimHarness, uname, userBody } from './harness';

const SCHEMAS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:wire:scim:schemas:profile:1.0',
  'urn:ietf:params:scim:schemas:extension:wire:1.0:User',
];
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Team members that SSO login created (auto-provisioning, "JIT") as SCIM sees them, on real
 * Cassandra: served without a write, found by externalId / email / id-as-userName, listed, taken
 * over by PUT or PATCH, deleted by DELETE; and spar's user shape (roles, preferredLanguage, emails).
 */
describe('SCIM and users that SSO created', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ defaultLocale: 'de-CH' }));
  afterAll(() => h.stop());

  const get = async (token: string, id: string) => h.req('GET', `/scim/v2/Users/${id}`, { token });
  const filter = async (token: string, f: string, extra = '') =>
    (await h.req('GET', `/scim/v2/Users?filter=${encodeURIComponent(f)}${extra}`, { token })).json() as {
      totalResults?: number;
      Resources: Array<Record<string, unknown>>;
    };
  const ids = (r: { Resources: Array<Record<string, unknown>> }) => r.Resources.map((u) => u['id']);

  /** Everything SCIM could write for a user, to prove that reads write nothing. */
  async function scimRows(team: TeamId, uid: UserId, externalId: string) {
    const user = await h.identity.users.get(uid);
    return {
      doc: await h.docs.get(uid),
      times: await h.spar.scimUserTimes.get(uid),
      external: await h.spar.scimExternal.get(team, externalId),
      handle: user?.handle,
      managedBy: user?.managedBy,
      ssoId: user?.ssoId,
    };
  }

  it('serves an SSO-created user by id in spar shape, with its id as userName, and writes nothing', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token } = await h.team({ issuer });
    const nameIdText = `Alice.${randomUUID().slice(0, 8)}@Corp.Example.com`;
    const { uid } = await h.ssoUser(team, issuer, nameIdText, NAMEID_FORMATS.email);
    const before = await scimRows(team, uid, nameIdText);

    const r = await get(token, uid);
    expect(r.statusCode, r.body).toBe(200);
    const u = r.json();
    expect(u).toEqual({
      schemas: SCHEMAS,
      id: uid,
      userName: uid,
      externalId: nameIdText, // the NameID as the IdP sent it, case kept
      displayName: nameIdText,
      active: true,
      roles: ['member'],
      preferredLanguage: 'de', // DEFAULT_LOCALE de-CH
      emails: [{ value: nameIdText }],
      'urn:wire:scim:schemas:profile:1.0': { richInfo: { version: 0, fields: [] } },
      meta: expect.objectContaining({
        resourceType: 'User',
        location: `https://wire.example.com/scim/v2/Users/${uid}`,
        version: expect.stringMatching(/^W\//),
      }),
    });
    expect(r.headers['etag']).toBe(u.meta.version);
    // Same ETag on the next read (it is computed from what is shown), and 304 with If-None-Match.
    expect((await get(token, uid)).json().meta.version).toBe(u.meta.version);
    expect((await h.req('GET', `/scim/v2/Users/${uid}`, { token, headers: { 'if-none-match': u.meta.version } })).statusCode).toBe(304);

    // Found the ways spar finds it: externalId (the NameID), the email, the id standing in for a handle.
    expect(ids(await filter(token, `externalId eq "${nameIdText}"`))).toEqual([uid]);
    expect(ids(await filter(token, `userName eq "${uid}"`))).toEqual([uid]);
    expect(ids(await filter(token, `emails.value eq "${nameIdText.toLowerCase()}"`))).toEqual([uid]);
    expect(ids(await filter(token, `externalId eq "${nameIdText}" and active eq true`))).toEqual([uid]);

    // A token without an IdP (same team) sees it too; another team's token does not.
    const noIdp = await h.token(team, null);
    expect((await get(noIdp, uid)).statusCode).toBe(200);
    expect(ids(await filter(noIdp, `externalId eq "${nameIdText}"`))).toEqual([uid]);
    const other = await h.team({ issuer });
    expect((await get(other.token, uid)).statusCode).toBe(404);
    expect(ids(await filter(other.token, `externalId eq "${nameIdText}"`))).toEqual([]);

    // Reads never write (docs/design.md §6.2): no document, times, scim_external, handle or managed_by.
    expect(await scimRows(team, uid, nameIdText)).toEqual(before);
    expect(before).toMatchObject({ doc: null, times: null, external: null, handle: null, managedBy: 'wire' });
  });

  it('lists SSO-created users next to SCIM users (index paging, cursor walk), never the password owner', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token, owner } = await h.team({ issuer });
    const a = await h.ssoUser(team, issuer, `emp-${randomUUID()}`);
    const b = await h.ssoUser(team, issuer, `${randomUUID()}@corp.example.com`, NAMEID_FORMATS.email);
    const c = await h.req('POST', '/scim/v2/Users', { token, body: userBody() });
    expect(c.statusCode, c.body).toBe(201);
    const want = [a.uid, b.uid, c.json().id].sort();

    const all = await h.req('GET', '/scim/v2/Users', { token });
    expect(all.json().totalResults).toBe(3);
    expect(ids(all.json()).sort()).toEqual(want);
    expect(ids(all.json())).not.toContain(owner);

    const seen: unknown[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = (await h.req('GET', `/scim/v2/Users?count=1&cursor=${encodeURIComponent(cursor)}`, { token })).json();
      seen.push(...ids(page));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.sort()).toEqual(want);
    // The unspecified NameID is no address: no emails derived from it.
    const ua = (await get(token, a.uid)).json();
    expect(ua.externalId).toBe(a.nameId.value);
    expect(ua).not.toHaveProperty('emails');
    // Sorting and non-keyed filters see them too.
    expect(ids(await filter(token, `externalId sw "emp-"`))).toEqual([a.uid]);
    expect((await filter(token, 'userName pr', '&sortBy=userName')).totalResults).toBe(3);

    // The owner (email and password, managed by Wire, no SSO identity) stays out of SCIM.
    expect((await get(token, owner)).statusCode).toBe(404);
    expect((await h.req('DELETE', `/scim/v2/Users/${owner}`, { token })).statusCode).toBe(204);
    expect(await h.identity.users.get(owner)).not.toBeNull();
  });

  it('PUT takes an SSO-created user over: document, handle, scim_external, managed_by scim; SSO login keeps working', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token } = await h.team({ issuer });
    const nameIdText = `${randomUUID()}@corp.example.com`;
    const { uid, nameId } = await h.ssoUser(team, issuer, nameIdText, NAMEID_FORMATS.email);
    const g = (await get(token, uid)).json();

    const userName = uname('Taken.Over');
    const body = userBody({
      userName,
      externalId: nameIdText,
      displayName: 'Alice Example',
      emails: [{ value: nameIdText, type: 'work', primary: true }],
    });
    // A stale ETag is refused; the one just read passes.
    expect((await h.req('PUT', `/scim/v2/Users/${uid}`, { token, body, headers: { 'if-match': 'W/"stale"' } })).statusCode).toBe(412);
    const p = await h.req('PUT', `/scim/v2/Users/${uid}`, { token, body, headers: { 'if-match': g.meta.version } });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({
      id: uid,
      userName,
      externalId: nameIdText,
      displayName: 'Alice Example',
      roles: ['member'],
      preferredLanguage: 'de',
    });
    expect(p.json().meta.version).not.toBe(g.meta.version);

    const user = await h.identity.users.get(uid);
    expect(user).toMatchObject({ managedBy: 'scim', handle: userName.toLowerCase(), name: 'Alice Example', email: nameIdText });
    expect(await h.identity.users.lookupHandle(userName.toLowerCase())).toBe(uid);
    expect(await h.spar.scimExternal.get(team, nameIdText)).toMatchObject({ uid, status: 'created' });
    expect(await h.spar.scimUserTimes.get(uid)).not.toBeNull();
    expect(JSON.parse((await h.docs.get(uid))!.doc)).toMatchObject({ userName, externalId: nameIdText });
    // The SAML identity still leads to the same user (what the next SSO login looks up).
    expect((await h.spar.samlUsers.lookup(issuer, normalizeNameId(nameId), nameIdXml(nameId)))?.uid).toBe(uid);
    expect((await h.req('GET', `/scim/v2/Users/${uid}`, { token })).json()).toEqual(p.json());
    // A repeated PUT changes nothing (same document, same ETag).
    const again = await h.req('PUT', `/scim/v2/Users/${uid}`, { token, body });
    expect(again.json().meta.version).toBe(p.json().meta.version);
  });

  it("writes the same sso_id text as SSO login for a NameID with ' on takeover", async () => {
    const issuer = `https://idp.example.com/${randomUUID()}?a=1&b='2'`;
    const { team, token } = await h.team({ issuer });
    const nameIdText = `o'brien.${randomUUID().slice(0, 8)}@corp.example.com`;
    const { uid, nameId } = await h.ssoUser(team, issuer, nameIdText, NAMEID_FORMATS.email);
    const jitSsoId = (await h.identity.users.get(uid))!.ssoId;
    expect(ids(await filter(token, `externalId eq "${nameIdText}"`))).toEqual([uid]);

    const p = await h.req('PUT', `/scim/v2/Users/${uid}`, { token, body: userBody({ externalId: nameIdText }) });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json().externalId).toBe(nameIdText);
    // Byte for byte what the login wrote (same format, same escaping of ' as &apos;).
    expect((await h.identity.users.get(uid))!.ssoId).toBe(jitSsoId);
    expect((await h.identity.users.get(uid))!.ssoId).toBe(brigSsoId(issuer, nameId));
    expect(await h.spar.samlUsers.get(issuer, normalizeNameId(nameId))).toMatchObject({ uid, ssoId: nameIdXml(nameId) });
    expect(nameIdXml(nameId)).toContain('o&apos;brien');
  });

  it('concurrent takeovers: all answer 200, one document, exactly one handle kept (the one it names)', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token } = await h.team({ issuer });
    const eid = `emp-${randomUUID()}`;
    const { uid } = await h.ssoUser(team, issuer, eid);
    const names = [uname('race.a'), uname('race.b'), uname('race.c')];
    const rs = await Promise.all(
      names.map((userName) => h.req('PUT', `/scim/v2/Users/${uid}`, { token, body: userBody({ userName, externalId: eid }) })),
    );
    expect(rs.map((r) => r.statusCode)).toEqual(names.map(() => 200));
    const owners = await Promise.all(names.map((n) => h.identity.users.lookupHandle(n.toLowerCase())));
    expect(owners.filter((o) => o === uid)).toHaveLength(1);
    const kept = names[owners.indexOf(uid)]!;
    expect(JSON.parse((await h.docs.get(uid))!.doc).userName).toBe(kept);
    // brig's row follows the document after the compare-and-set (docs/decisions.md); it names one of them.
    expect(names.map((n) => n.toLowerCase())).toContain((await h.identity.users.get(uid))!.handle);
    expect(await h.spar.scimExternal.get(team, eid)).toMatchObject({ uid, status: 'created' });
  });

  it('PATCH takes over as well (the id becomes the handle, as spar gives it); DELETE removes an SSO-created user', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token } = await h.team({ issuer });
    const a = await h.ssoUser(team, issuer, `emp-${randomUUID()}`);
    const p = await h.req('PATCH', `/scim/v2/Users/${a.uid}`, {
      token,
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }] },
    });
    // 204 or 200 (the PATCH answer is being changed to spar's 200 by default): either way applied.
    expect([200, 204], p.body).toContain(p.statusCode);
    expect(await h.identity.users.get(a.uid)).toMatchObject({ managedBy: 'scim', handle: a.uid, name: 'Patched' });
    expect(await h.spar.scimExternal.get(team, a.nameId.value)).toMatchObject({ uid: a.uid, status: 'created' });

    const b = await h.ssoUser(team, issuer, `emp-${randomUUID()}`);
    const v = (await get(token, b.uid)).json().meta.version;
    expect((await h.req('DELETE', `/scim/v2/Users/${b.uid}`, { token, headers: { 'if-match': 'W/"stale"' } })).statusCode).toBe(412);
    expect((await h.req('DELETE', `/scim/v2/Users/${b.uid}`, { token, headers: { 'if-match': v } })).statusCode).toBe(204);
    expect(await h.identity.users.get(b.uid)).toBeNull();
    expect(await h.identity.teams.getMember(team, b.uid)).toBeNull();
    expect(await h.spar.samlUsers.get(issuer, normalizeNameId(b.nameId))).toBeNull();
    expect((await get(token, b.uid)).statusCode).toBe(404);
  });

  it('finds a SCIM-managed user without scim_external or user_v2 rows by its email (brig user_keys)', async () => {
    const { team, token } = await h.team();
    const email = `${randomUUID()}@corp.example.com`;
    const uid = newUserId();
    await h.identity.users.put(newUserRecord({ id: uid, team, name: 'Legacy', email, managedBy: 'scim' }));
    expect(await h.identity.users.claimEmail(emailKey(email), uid)).toEqual({ ok: true });
    await h.identity.teams.addMember({ team, user: uid, role: 'admin', invitedBy: null, invitedAt: null });
    const r = await filter(token, `externalId eq "${email}"`);
    expect(r.Resources).toEqual([
      expect.objectContaining({ id: uid, externalId: email, emails: [{ value: email }], roles: ['admin'], userName: uid }),
    ]);
  });

  it('accepts SSO-created users as group members (spar had made them SCIM-managed on the read), not the password owner', async () => {
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const { team, token, owner } = await h.team({ issuer });
    const a = await h.ssoUser(team, issuer, `emp-${randomUUID()}`);
    const group = (members: string[]) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `g-${randomUUID()}`,
      members: members.map((value) => ({ value })),
    });
    const ok = await h.req('POST', '/scim/v2/Groups', { token, body: group([a.uid]) });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().members).toEqual([expect.objectContaining({ value: a.uid })]);
    expect((await get(token, a.uid)).json().groups).toEqual([expect.objectContaining({ value: ok.json().id })]);
    expect(await h.docs.get(a.uid)).toBeNull();
    expect((await h.req('POST', '/scim/v2/Groups', { token, body: group([owner]) })).statusCode).toBe(400);
  });

  describe("spar's user shape", () => {
    it('roles: member when none was given, the team role as it is now, an owner stays owner after roles: []', async () => {
      const { team, token } = await h.team();
      const plain = (await h.req('POST', '/scim/v2/Users', { token, body: userBody() })).json();
      expect(plain.roles).toEqual(['member']);
      const objects = (
        await h.req('POST', '/scim/v2/Users', { token, body: userBody({ roles: [{ value: 'Admin', primary: true, display: 'Admin' }] }) })
      ).json();
      expect(objects.roles).toEqual([{ primary: true, value: 'admin', display: 'Admin' }]);
      // The written display names the written role: once the team role changes, it goes.
      await h.identity.teams.setRole(team, objects.id, 'member');
      expect((await get(token, objects.id)).json().roles).toEqual([{ primary: true, value: 'member' }]);

      const body = userBody({ roles: ['owner'] });
      const o = (await h.req('POST', '/scim/v2/Users', { token, body })).json();
      expect(o.roles).toEqual(['owner']);
      const put = await h.req('PUT', `/scim/v2/Users/${o.id}`, { token, body: { ...body, roles: [] } });
      expect(put.json().roles).toEqual(['owner']);
      expect((await h.identity.teams.getMember(team, o.id))?.role).toBe('owner');
      expect((await get(token, o.id)).json().roles).toEqual(['owner']);

      // A role changed in team settings shows, and changes the ETag.
      const before = (await get(token, plain.id)).json();
      await h.identity.teams.setRole(team, plain.id, 'admin');
      const after = (await get(token, plain.id)).json();
      expect(after.roles).toEqual(['admin']);
      expect(after.meta.version).not.toBe(before.meta.version);
      expect(
        (
          await h.req('PUT', `/scim/v2/Users/${plain.id}`, {
            token,
            body: { ...userBody(), userName: plain.userName, externalId: plain.externalId },
            headers: { 'if-match': before.meta.version },
          })
        ).statusCode,
      ).toBe(412);
    });

    it("preferredLanguage: the user's, else the backend's default locale", async () => {
      const { token } = await h.team();
      const fr = (await h.req('POST', '/scim/v2/Users', { token, body: userBody({ preferredLanguage: 'FR' }) })).json();
      expect(fr.preferredLanguage).toBe('fr');
      const none = (await h.req('POST', '/scim/v2/Users', { token, body: userBody() })).json();
      expect(none.preferredLanguage).toBe('de');
      const listed = (await filter(token, `id eq "${none.id}"`)).Resources[0];
      expect(listed).toMatchObject({ preferredLanguage: 'de', meta: { version: none.meta.version } });
    });

    it('emails: derived from an email-shaped externalId when none were given, never from another', async () => {
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const { token } = await h.team({ issuer });
      const eid = `${randomUUID()}@corp.example.com`;
      const u = (await h.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: eid, emails: undefined }) })).json();
      expect(u.emails).toEqual([{ value: eid }]);
      expect((await get(token, u.id)).json().emails).toEqual([{ value: eid }]);
      const given = (await h.req('POST', '/scim/v2/Users', { token, body: userBody() })).json();
      expect(given.emails).toEqual([expect.objectContaining({ type: 'work', primary: true })]);
      const plain = (
        await h.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: `emp-${randomUUID()}`, emails: undefined }) })
      ).json();
      expect(plain).not.toHaveProperty('emails');
    });
  });
});
