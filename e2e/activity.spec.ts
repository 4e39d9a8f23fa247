// The team activity log end to end, on real Cassandra: the three apps in process on the test
// keyspaces, real SCIM writes, token and IdP changes and SAML logins against the test IdP, read back
// through GET /team-settings/activity with filters and paging.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '@sso/auth';
import { type TeamId, activityKinds } from '@sso/domain';
import { CassandraDb } from '@sso/persistence';
import { ACTIVITY_RECORDER, type ActivityRecorder } from '@sso/platform';
import { NAMEID_FORMATS } from '@sso/saml';
import { type TestApp, TestIdp, b64, startTestApp, testConfig } from '@sso/testing';
import { samlSp } from '../apps/saml-sp/src/app';
import { scimApi } from '../apps/scim-api/src/app';
import { tokenAdmin } from '../apps/token-admin/src/app';

const SP_SSO = 'https://sp.example.com/sso';
const PASSWORD = 'correct horse battery';
const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Ev {
  id: string;
  at: string;
  kind: string;
  outcome: string;
  actor: { type: string; id?: string; name?: string };
  subject?: { type: string; id?: string; name?: string };
  idp?: string;
  reason?: string;
  detail: string;
}

describe('activity log across the apps (Cassandra)', () => {
  const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify([generateKeyEntry('activity-e2e')]));
  const config = testConfig({
    'auth.keysFile': keysFile,
    'saml.spSsoUri': SP_SSO,
    'rateLimits.loginPerAddress.limit': 100_000,
    'activity.ttlDays': 30,
  });
  let sp: TestApp;
  let scim: TestApp;
  let admin: TestApp;
  let db: CassandraDb;
  let idp: TestIdp;

  beforeAll(async () => {
    sp = await startTestApp(samlSp, config);
    scim = await startTestApp(scimApi, config);
    admin = await startTestApp(tokenAdmin, config);
    db = new CassandraDb(config.cassandra);
    await db.connect();
    idp = await TestIdp.create();
  });
  afterAll(async () => {
    for (const a of [sp, scim, admin]) await a?.close();
    await db?.shutdown();
  });

  const call = (
    app: TestApp,
    method: string,
    url: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.app.inject({
      method: method as 'GET',
      url,
      payload: (typeof opts.body === 'object' && opts.body !== null ? JSON.stringify(opts.body) : opts.body) as never,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(typeof opts.body === 'object' && opts.body !== null ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
    });

  async function login(email: string): Promise<string> {
    const r = await call(admin, 'POST', '/login', { body: { email, password: PASSWORD } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().access_token as string;
  }

  /** Waits for every app's recorder, then reads the log. */
  async function activity(
    token: string,
    query = '',
  ): Promise<{ status: number; body: { events: Ev[]; next: string | null }; raw: string }> {
    for (const a of [sp, scim, admin]) await a.app.get<ActivityRecorder>(ACTIVITY_RECORDER).flush();
    const r = await call(admin, 'GET', `/team-settings/activity${query}`, { token });
    return { status: r.statusCode, body: r.json(), raw: r.body };
  }

  async function all(token: string, query: string, limit: number): Promise<Ev[][]> {
    const pages: Ev[][] = [];
    let cursor: string | null = null;
    do {
      const r = await activity(token, `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, r.raw).toBe(200);
      pages.push(r.body.events);
      cursor = r.body.next;
    } while (cursor && pages.length < 100);
    return pages;
  }

  async function samlLogin(team: TeamId, idpId: string, nameId: string) {
    const init = await call(sp, 'GET', `/sso/initiate-login/${idpId}`);
    expect(init.statusCode, init.body).toBe(200);
    const form = /name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(init.body);
    const requestId = /ID="([^"]+)"/.exec(Buffer.from(form?.[1] ?? '', 'base64').toString('utf8'))?.[1];
    expect(requestId).toBeDefined();
    const xml = idp.response({
      sp: `${SP_SSO}/finalize-login/${team}`,
      requestId: requestId!,
      nameId,
      nameIdFormat: NAMEID_FORMATS.email,
    }).xml;
    return call(sp, 'POST', `/sso/finalize-login/${team}`, {
      body: `SAMLResponse=${encodeURIComponent(b64(xml))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  it('records SCIM writes, a failed SCIM write, token and IdP changes and logins, and serves them filtered and paged', async () => {
    const ownerEmail = `${randomUUID()}@example.com`;
    const t = await call(admin, 'POST', '/i/teams', {
      body: { name: 'Team', owner: { email: ownerEmail, password: PASSWORD, name: 'Olga Owner' } },
    });
    expect(t.statusCode, t.body).toBe(201);
    const { team, owner } = t.json() as { team: TeamId; owner: string };
    const memberEmail = `${randomUUID()}@example.com`;
    expect(
      (await call(admin, 'POST', `/i/teams/${team}/members`, { body: { email: memberEmail, password: PASSWORD, role: 'member' } }))
        .statusCode,
    ).toBe(201);
    const bearer = await login(ownerEmail);

    // An IdP and a token bound to it.
    const created = await call(sp, 'POST', '/identity-providers?handle=Okta', {
      token: bearer,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const idpId = created.json().id as string;
    const tok = await call(admin, 'POST', '/scim/auth-tokens', {
      token: bearer,
      body: { description: 'Entra sync', name: 'Entra', idp: idpId, password: PASSWORD },
    });
    expect(tok.statusCode, tok.body).toBe(200);
    const { token: secret, info } = tok.json() as { token: string; info: { id: string } };

    // SCIM: create Bob, fail to create him again, replace him, make a group.
    const scimCall = (method: string, url: string, body?: unknown) =>
      scim.app.inject({
        method: method as 'GET',
        url,
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': SCIM }) },
      });
    const bobDoc = {
      schemas: [USER],
      userName: `bob.${randomUUID().slice(0, 6)}`,
      externalId: `bob.${randomUUID().slice(0, 6)}@example.com`,
    };
    const bob = await scimCall('POST', '/scim/v2/Users', bobDoc);
    expect(bob.statusCode, bob.body).toBe(201);
    const bobId = bob.json().id as string;
    expect((await scimCall('POST', '/scim/v2/Users', bobDoc)).statusCode).toBe(409);
    expect((await scimCall('PUT', `/scim/v2/Users/${bobId}`, { ...bobDoc, displayName: 'Bob' })).statusCode).toBe(200);
    const group = await scimCall('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'Sales', members: [{ value: bobId }] });
    expect(group.statusCode, group.body).toBe(201);

    // Bob logs in; a stranger the IdP vouches for is refused (no such user, SCIM team: no auto-provisioning).
    const ok = await samlLogin(team, idpId, bobDoc.externalId);
    expect(ok.body).toContain('wire:sso:success');
    const cookie = String(ok.headers['set-cookie']);
    const stranger = await samlLogin(team, idpId, 'stranger@example.com');
    expect(stranger.body).toContain('wire:sso:error:not-found');
    // A response no IdP of the team signed: refused before any user is known.
    const forged = await TestIdp.create();
    const bad = await call(sp, 'POST', `/sso/finalize-login/${team}`, {
      body: `SAMLResponse=${encodeURIComponent(b64(forged.response({ sp: `${SP_SSO}/finalize-login/${team}`, requestId: null }).xml))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.body).toContain('wire:sso:error:not-found');

    const r = await activity(bearer);
    expect(r.status, r.raw).toBe(200);
    const kinds = r.body.events.map((e) => `${e.kind}:${e.outcome}`);
    expect(kinds).toEqual([
      'sso.login.failed:failed',
      'sso.login.failed:failed',
      'sso.login.succeeded:ok',
      'scim.group.created:ok',
      'scim.user.replaced:ok',
      'scim.user.created:failed',
      'scim.user.created:ok',
      'token.created:ok',
      'idp.created:ok',
    ]);
    const ev = (k: string) => r.body.events.filter((e) => `${e.kind}:${e.outcome}` === k);
    const tokenActor = { type: 'scim-token', id: info.id, name: 'Entra' };
    expect(ev('idp.created:ok')[0]).toMatchObject({
      actor: { type: 'user', id: owner, name: 'Olga Owner' },
      subject: { type: 'idp', id: idpId, name: 'Okta' },
      idp: idpId,
    });
    expect(ev('token.created:ok')[0]).toMatchObject({
      actor: { type: 'user', id: owner },
      subject: { type: 'scim-token', id: info.id, name: 'Entra' },
      idp: idpId,
    });
    expect(ev('scim.user.created:ok')[0]).toMatchObject({
      actor: tokenActor,
      subject: { type: 'user', id: bobId, name: bobDoc.userName },
      idp: idpId,
    });
    expect(ev('scim.user.created:failed')[0]).toMatchObject({
      actor: tokenActor,
      reason: 'uniqueness',
      subject: { name: bobDoc.userName },
    });
    expect(ev('sso.login.succeeded:ok')[0]).toMatchObject({
      actor: { type: 'idp', id: idpId, name: 'Okta' },
      subject: { type: 'user', id: bobId, name: bobDoc.externalId },
      idp: idpId,
    });
    const [forgedEv, strangerEv] = ev('sso.login.failed:failed');
    expect(strangerEv).toMatchObject({ reason: 'not-found', subject: { type: 'user', name: 'stranger@example.com' }, idp: idpId });
    expect(strangerEv!.detail).toContain('no user of the team has this NameID');
    // No IdP of the team has its issuer: recorded under the ACS path's team, with no IdP and no user.
    expect(forgedEv).toMatchObject({ actor: { type: 'system' }, reason: 'not-found' });
    expect(forgedEv).not.toHaveProperty('subject');
    expect(forgedEv).not.toHaveProperty('idp');
    for (const e of r.body.events) expect(activityKinds).toContain(e.kind);

    // Filters: "why can't the stranger log in", "is Entra still syncing", failures only.
    const why = await activity(bearer, '?subject=STRANGER&kind=sso.login.failed,sso.login.succeeded');
    expect(why.body.events.map((e) => e.reason)).toEqual(['not-found']);
    const entra = await activity(bearer, `?actor=${info.id}`);
    expect(entra.body.events.map((e) => e.kind)).toEqual([
      'scim.group.created',
      'scim.user.replaced',
      'scim.user.created',
      'scim.user.created',
    ]);
    const failed = await activity(bearer, '?outcome=failed');
    expect(failed.body.events.map((e) => e.kind)).toEqual(['sso.login.failed', 'sso.login.failed', 'scim.user.created']);
    const bobs = await activity(bearer, `?subject=${bobId}`);
    expect(bobs.body.events.map((e) => e.kind)).toEqual(['sso.login.succeeded', 'scim.user.replaced', 'scim.user.created']);

    // Paging: every event once, in order.
    for (const limit of [1, 2, 4]) {
      const pages = await all(bearer, '', limit);
      expect(pages.flat().map((e) => e.id)).toEqual(r.body.events.map((e) => e.id));
    }
    const failedPages = await all(bearer, '&outcome=failed', 1);
    expect(failedPages.flat().map((e) => e.id)).toEqual(failed.body.events.map((e) => e.id));

    // Bad values are 400s.
    for (const q of ['?limit=201', '?kind=sso.login', '?outcome=FAILED', '?cursor=abc', '?actor=olga']) {
      const b = await activity(bearer, q);
      expect(b.status, q).toBe(400);
    }

    // A member is refused as on the token routes.
    const member = await login(memberEmail);
    const refused = await activity(member);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual((await call(admin, 'GET', '/scim/auth-tokens', { token: member })).json());

    // The rows: the configured TTL, and no secret anywhere (token, its hash, the password, the cookie, SAML).
    const ks = config.cassandra.keyspaces.brig;
    const rows = await db.execute('t', `SELECT bucket FROM ${ks}.team_activity_bucket WHERE team = ?`, [team]);
    const stored: string[] = [];
    for (const b of rows.rows) {
      const rs = await db.execute('t', `SELECT JSON * FROM ${ks}.team_activity WHERE team = ? AND bucket = ?`, [team, b.bucket]);
      stored.push(...rs.rows.map((x) => String(x['[json]'])));
      const ttl = await db.execute('t', `SELECT TTL(detail) AS t FROM ${ks}.team_activity WHERE team = ? AND bucket = ?`, [team, b.bucket]);
      for (const x of ttl.rows) {
        expect(Number(x.t)).toBeGreaterThan(30 * 86_400 - 300);
        expect(Number(x.t)).toBeLessThanOrEqual(30 * 86_400);
      }
    }
    expect(stored).toHaveLength(9);
    const everything = stored.join('\n') + r.raw;
    for (const secretish of [secret, PASSWORD, cookie.split(';')[0]!.split('=')[1]!, '<saml', 'Assertion', 'X509', 'BEGIN']) {
      expect(everything).not.toContain(secretish);
    }
  });
});
