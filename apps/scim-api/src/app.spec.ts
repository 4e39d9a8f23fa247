// scim-api on the memory twins (unit tier): the whole app, booted by its own composition root
// with STORE_BACKEND=memory, driven over HTTP. apps/scim-api/test/ runs it on Cassandra.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { newScimTokenId, newTeamId, newUserId, newUserRecord } from '@sso/domain';
import type { IdentityStores, SparStores, StoreRoot } from '@sso/persistence';
import { IDENTITY_STORES, REDIS, SPAR_STORES, STORE_ROOT } from '@sso/platform';
import { type TestApp, memoryTestConfig, startTestApp } from '@sso/testing';
import { scimApi } from './app';

const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('scim-api on the memory backend', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(scimApi, memoryTestConfig({ 'scim.baseUri': 'https://wire.example.com/scim/v2' }));
    // A team with an owner and a SCIM token, written straight into the app's own twins.
    const identity = t.app.get<IdentityStores>(IDENTITY_STORES);
    const spar = t.app.get<SparStores>(SPAR_STORES);
    const team = newTeamId();
    const owner = newUserId();
    await identity.teams.createTeam({ id: team, name: 'Team', creator: owner, deleted: false });
    await identity.users.put(newUserRecord({ id: owner, team, name: 'Owner', email: 'owner@example.com' }));
    await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    token = generateScimToken();
    await spar.scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(token),
      createdAt: new Date(),
      idp: null,
      description: 'unit',
      name: 'unit',
    });
  });
  afterAll(() => t?.close());

  const req = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': SCIM }), ...headers },
    });

  it('runs on the twins: no Cassandra connection, /i/status answers 200', async () => {
    expect(t.app.get<StoreRoot>(STORE_ROOT)).toMatchObject({ backend: 'memory', db: null });
    expect((await t.app.inject({ method: 'GET', url: '/i/status' })).statusCode).toBe(200);
    expect(() => t.app.get(REDIS)).toThrow(); // no Redis at all: it rate-limits nothing
  });

  it('creates, gets, lists, patches and deletes a user', async () => {
    const userName = `ada.${randomUUID().slice(0, 8)}`;
    const created = await req('POST', '/scim/v2/Users', {
      schemas: [USER],
      userName,
      externalId: `${userName}@example.com`,
      displayName: 'Ada',
      emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const u = created.json();
    expect(created.headers.location).toBe(`https://wire.example.com/scim/v2/Users/${u.id}`);
    // A token without an IdP invites the user: pending until the invitation is accepted.
    expect(u).toMatchObject({ userName, displayName: 'Ada', active: false });

    const got = await req('GET', `/scim/v2/Users/${u.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(u);

    const listed = await req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ totalResults: 1, Resources: [{ id: u.id }] });

    const patched = await req('PATCH', `/scim/v2/Users/${u.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Ada L.' }],
    });
    expect(patched.statusCode, patched.body).toBeLessThan(300);
    expect((await req('GET', `/scim/v2/Users/${u.id}`)).json().displayName).toBe('Ada L.');

    expect((await req('DELETE', `/scim/v2/Users/${u.id}`)).statusCode).toBe(204);
    const gone = await req('GET', `/scim/v2/Users/${u.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ status: '404' });
  });

  it('creates a pending user whose invitation died anew under its externalId; a live invitation is a conflict', async () => {
    const stores = t.app.get<StoreRoot>(STORE_ROOT).stores;
    const userName = `cy.${randomUUID().slice(0, 8)}`;
    const body = { schemas: [USER], userName, externalId: `${userName}@example.com`, emails: [{ value: `${userName}@example.com` }] };
    const first = await req('POST', '/scim/v2/Users', body);
    expect(first.statusCode, first.body).toBe(201);
    const old = first.json();
    const team = (await stores.identity.users.get(old.id))!.team!;
    expect(await stores.invitations.get(team, old.id)).not.toBeNull();
    // The invitation is live: the externalId (and userName) are taken.
    const again = await req('POST', '/scim/v2/Users', body);
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ scimType: 'uniqueness' });

    // The invitation expired (or was revoked): the pending user is cleaned up as DELETE does and created anew.
    await stores.invitations.revoke(team, old.id);
    const anew = await req('POST', '/scim/v2/Users', body);
    expect(anew.statusCode, anew.body).toBe(201);
    const u = anew.json();
    expect(u.id).not.toBe(old.id);
    expect(u).toMatchObject({ userName, externalId: body.externalId, active: false });
    expect((await req('GET', `/scim/v2/Users/${old.id}`)).statusCode).toBe(404);
    expect(await stores.identity.users.get(old.id)).toBeNull();
    expect(await stores.invitations.get(team, u.id)).not.toBeNull();
    const listed = await req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${body.externalId}"`)}`);
    expect(listed.json()).toMatchObject({ totalResults: 1, Resources: [{ id: u.id }] });

    // Another user's conflict is not cleaned up: a userName taken by a user with a live invitation stays taken.
    const other = await req('POST', '/scim/v2/Users', { ...body, externalId: `other.${body.externalId}` });
    expect(other.statusCode, other.body).toBe(409);
  });

  it('creates, gets, lists, patches and deletes a group with a member', async () => {
    const userName = `bob.${randomUUID().slice(0, 8)}`;
    const member = (await req('POST', '/scim/v2/Users', { schemas: [USER], userName, externalId: `${userName}@example.com` })).json();
    const created = await req('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'Sales', members: [{ value: member.id }] });
    expect(created.statusCode, created.body).toBe(201);
    const g = created.json();
    expect(g.members).toEqual([expect.objectContaining({ value: member.id, type: 'User' })]);
    expect((await req('GET', `/scim/v2/Groups/${g.id}`)).json()).toMatchObject({ id: g.id, displayName: 'Sales' });

    const listed = await req('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "sales"')}`);
    expect(listed.json()).toMatchObject({ totalResults: 1, Resources: [{ id: g.id }] });

    const patched = await req('PATCH', `/scim/v2/Groups/${g.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Sales EMEA' },
        { op: 'remove', path: `members[value eq "${member.id}"]` },
      ],
    });
    expect(patched.statusCode, patched.body).toBeLessThan(300);
    const after = (await req('GET', `/scim/v2/Groups/${g.id}`)).json();
    expect(after.displayName).toBe('Sales EMEA');
    expect(after.members ?? []).toEqual([]);

    expect((await req('DELETE', `/scim/v2/Groups/${g.id}`)).statusCode).toBe(204);
    expect((await req('GET', `/scim/v2/Groups/${g.id}`)).statusCode).toBe(404);
  });

  it('refuses a request without a valid token', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Bearer nope' } });
    expect(r.statusCode).toBe(401);
  });
});
