// The activity of SCIM writes, recorded by the hooks, on the memory twins (unit tier).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { type ScimTokenId, type TeamId, newScimTokenId, newTeamId } from '@sso/domain';
import { type ActivityStore, type SparStores, queryActivity } from '@sso/persistence';
import { ACTIVITY_RECORDER, ACTIVITY_STORE, type ActivityRecorder, SPAR_STORES } from '@sso/platform';
import { type TestApp, memoryTestConfig, startTestApp } from '@sso/testing';
import { scimApi } from '../app';
import { scimWrite } from './scim-activity.hooks';

const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('scimWrite', () => {
  it('knows the write routes and nothing else', () => {
    expect(scimWrite('POST', '/scim/v2/Users')).toEqual({ resource: 'user', verb: 'created' });
    expect(scimWrite('POST', '/scim/v2/groups')).toEqual({ resource: 'group', verb: 'created' });
    expect(scimWrite('PUT', '/scim/v2/Users/:id')).toEqual({ resource: 'user', verb: 'replaced' });
    expect(scimWrite('PATCH', '/scim/v2/Groups/:id')).toEqual({ resource: 'group', verb: 'patched' });
    expect(scimWrite('DELETE', '/scim/v2/Users/:id')).toEqual({ resource: 'user', verb: 'deleted' });
    for (const [m, r] of [
      ['GET', '/scim/v2/Users'],
      ['GET', '/scim/v2/Users/:id'],
      ['POST', '/scim/v2/Users/.search'],
      ['POST', '/scim/v2/Users/:id'],
      ['DELETE', '/scim/v2/Users'],
      ['PUT', '/scim/v2/Users'],
      ['POST', undefined],
    ] as const)
      expect(scimWrite(m, r)).toBeNull();
  });
});

describe('SCIM writes in the activity log (memory backend)', () => {
  let t: TestApp;
  let token: string;
  let tokenId: ScimTokenId;
  let team: TeamId;

  beforeAll(async () => {
    t = await startTestApp(scimApi, memoryTestConfig());
    const spar = t.app.get<SparStores>(SPAR_STORES);
    team = newTeamId();
    token = generateScimToken();
    tokenId = newScimTokenId();
    await spar.scimTokens.insert({
      team,
      id: tokenId,
      tokenKey: hashScimToken(token),
      createdAt: new Date(),
      idp: null,
      description: 'Entra sync',
      name: 'Entra',
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

  const events = async () => {
    await t.app.get<ActivityRecorder>(ACTIVITY_RECORDER).flush();
    return (await queryActivity(t.app.get<ActivityStore>(ACTIVITY_STORE), team, { limit: 100 })).events;
  };

  it('records creates, replaces, patches, deletes and failures, with the token as actor; reads and refused tokens are not recorded', async () => {
    const userName = `alice.${randomUUID().slice(0, 8)}`;
    const secret = `S3cret-${randomUUID()}`;
    const doc = { schemas: [USER], userName, externalId: `${userName}@example.com` };
    // A password is refused (and must not reach the log either).
    expect((await req('POST', '/scim/v2/Users', { ...doc, password: secret })).statusCode).toBe(400);
    const created = await req('POST', '/scim/v2/Users', doc);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await req('POST', '/scim/v2/Users', doc)).statusCode).toBe(409);
    expect((await req('GET', `/scim/v2/Users/${id}`)).statusCode).toBe(200);
    expect((await req('PUT', `/scim/v2/Users/${id}`, { ...doc, displayName: 'Alice' })).statusCode).toBe(200);
    const patch = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Alice A.' }] };
    expect((await req('PATCH', `/scim/v2/Users/${id}`, patch, { prefer: 'return=minimal' })).statusCode).toBe(204);
    const group = await req('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'Sales', members: [{ value: id }] });
    expect(group.statusCode, group.body).toBe(201);
    expect((await req('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      payload: JSON.stringify(doc),
      headers: { authorization: `Bearer ${generateScimToken()}`, 'content-type': SCIM },
    });
    expect(bad.statusCode).toBe(401);

    const log = await events();
    expect(log.map((e) => [e.kind, e.outcome])).toEqual([
      ['scim.user.deleted', 'ok'],
      ['scim.group.created', 'ok'],
      ['scim.user.patched', 'ok'],
      ['scim.user.replaced', 'ok'],
      ['scim.user.created', 'failed'],
      ['scim.user.created', 'ok'],
      ['scim.user.created', 'failed'],
    ]);
    const actor = { type: 'scim-token', id: tokenId, name: 'Entra' };
    for (const e of log) expect(e.actor).toEqual(actor);
    expect(log[5]).toMatchObject({ subject: { type: 'user', id, name: userName }, detail: `User ${userName} was created by SCIM.` });
    expect(log[5]).not.toHaveProperty('reason');
    expect(log[4]).toMatchObject({ subject: { type: 'user', name: userName }, reason: 'uniqueness' });
    expect(log[4]!.subject).not.toHaveProperty('id');
    expect(log[4]!.detail).toBe(`Creating user ${userName} by SCIM failed (409 uniqueness).`);
    expect(log[3]!.subject).toEqual({ type: 'user', id, name: userName });
    // A 204 PATCH has no body: the id is the path's.
    expect(log[2]!.subject).toEqual({ type: 'user', id });
    expect(log[1]!.subject).toMatchObject({ type: 'group', name: 'Sales' });
    expect(log[0]).toMatchObject({ subject: { type: 'user', id }, detail: `User ${id} was deleted by SCIM.` });
    expect(log[6]).toMatchObject({ outcome: 'failed', reason: 'invalidValue', subject: { type: 'user', name: userName } });
    // Nothing of the token secret or the password.
    const stored = JSON.stringify(log);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(hashScimToken(token));
  });

  it('records a failed write on an unknown id with the SCIM reason', async () => {
    const before = (await events()).length;
    const missing = randomUUID();
    const r = await req('PUT', `/scim/v2/Users/${missing}`, { schemas: [USER], userName: 'ghost', externalId: 'ghost@example.com' });
    expect(r.statusCode).toBe(404);
    const log = await events();
    expect(log).toHaveLength(before + 1);
    expect(log[0]).toMatchObject({
      kind: 'scim.user.replaced',
      outcome: 'failed',
      reason: 'not-found',
      subject: { id: missing, name: 'ghost' },
    });
  });
});

describe('SCIM activity at shutdown (memory backend)', () => {
  it('writes what is still queued when the app closes', async () => {
    const t = await startTestApp(scimApi, memoryTestConfig());
    const store = t.app.get<ActivityStore>(ACTIVITY_STORE);
    const team = newTeamId();
    const token = generateScimToken();
    await t.app.get<SparStores>(SPAR_STORES).scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(token),
      createdAt: new Date(),
      idp: null,
      description: 'x',
      name: 'x',
    });
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/Groups',
          payload: JSON.stringify({ schemas: [GROUP], displayName: `G${i}` }),
          headers: { authorization: `Bearer ${token}`, 'content-type': SCIM },
        }),
      ),
    );
    expect(writes.map((w) => w.statusCode)).toEqual(Array(20).fill(201));
    // No flush: closing the app writes the queue before the stores close.
    await t.close();
    const names = (await queryActivity(store, team, { limit: 100 })).events.map((e) => e.subject?.name).sort();
    expect(names).toEqual(Array.from({ length: 20 }, (_, i) => `G${i}`).sort());
  });
});
