import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CassandraActivityStore, queryActivity } from '@sso/persistence';
import { ScimHarness, userBody } from './harness';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BASE = 'https://wire.example.com/scim/v2';

type Result = { method: string; bulkId?: string; status: string; location?: string; version?: string; response?: Record<string, unknown> };

describe('SCIM /Bulk on real Cassandra (RFC 7644 §3.7)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.bulkMaxOperations': 20, 'scim.bulkMaxPayloadSize': 16 * 1024 }));
  afterAll(() => h.stop());

  const bulk = async (token: string, Operations: unknown[], extra: Record<string, unknown> = {}) => {
    const r = await h.req('POST', '/scim/v2/Bulk', { token, body: { schemas: [BULK], Operations, ...extra } });
    return { r, ops: r.statusCode === 200 ? (r.json().Operations as Result[]) : [] };
  };
  const idOf = (location: string | undefined) => location!.split('/').pop()!;

  it('creates a user and adds it to a new group by its bulkId; both are stored and linked', async () => {
    const { token, team } = await h.team();
    const user = userBody();
    const { r, ops } = await bulk(token, [
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP], displayName: 'Eng', members: [{ value: 'bulkId:u' }] } },
      { method: 'POST', path: '/Users', bulkId: 'u', data: user },
    ]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(r.json().schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['g', '201'],
      ['u', '201'],
    ]);
    const [gid, uid] = [idOf(ops[0].location), idOf(ops[1].location)];
    expect(ops[1].location).toBe(`${BASE}/Users/${uid}`);
    const g = await h.req('GET', `/scim/v2/Groups/${gid}`, { token });
    expect(g.json().members.map((m: { value: string }) => m.value)).toEqual([uid]);
    expect(g.headers.etag).toBe(ops[0].version);
    const u = await h.req('GET', `/scim/v2/Users/${uid}`, { token });
    expect(u.json()).toMatchObject({ userName: user['userName'], groups: [{ value: gid }] });
    // Each operation is in the team's activity log, as its own request would be (written in the background).
    const activity = new CassandraActivityStore(h.db);
    await expect
      .poll(async () => (await queryActivity(activity, team, { limit: 10 })).events.map((e) => [e.kind, e.subject?.id]).sort(), {
        timeout: 10_000,
      })
      .toEqual([
        ['scim.group.created', gid],
        ['scim.user.created', uid],
      ]);
  });

  it("keeps each operation's rules: uniqueness 409, If-Match from version 412, PATCH all or nothing", async () => {
    const { token } = await h.team();
    const first = await bulk(token, [{ method: 'POST', path: '/Users', bulkId: 'a', data: userBody() }]);
    const uid = idOf(first.ops[0].location);
    const version = first.ops[0].version!;
    const taken = (await h.req('GET', `/scim/v2/Users/${uid}`, { token })).json();
    const { ops } = await bulk(token, [
      { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody({ userName: taken.userName }) },
      {
        method: 'PATCH',
        path: `/Users/${uid}`,
        version: 'W/"stale"',
        data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'X' }] },
      },
      {
        method: 'PATCH',
        path: `/Users/${uid}`,
        version,
        data: {
          schemas: [PATCH],
          Operations: [
            { op: 'replace', path: 'displayName', value: 'Half' },
            { op: 'replace', path: 'emails', value: 'not a list' },
          ],
        },
      },
      {
        method: 'PATCH',
        path: `/Users/${uid}`,
        version,
        data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Whole' }] },
      },
    ]);
    expect(ops.map((o) => [o.status, o.response?.['scimType']])).toEqual([
      ['409', 'uniqueness'],
      ['412', undefined],
      ['400', 'invalidValue'],
      ['200', undefined],
    ]);
    const now = (await h.req('GET', `/scim/v2/Users/${uid}`, { token })).json();
    expect(now.displayName).toBe('Whole');
    expect(now.meta.version).toBe(ops[3].version);
  });

  it('honours failOnErrors: stops after the first error, nothing after it is written', async () => {
    const { token } = await h.team();
    const later = userBody();
    const { ops } = await bulk(
      token,
      [
        { method: 'DELETE', path: '/Groups/5d0b3c2e-1f4a-4c7e-9a8b-000000000000' },
        { method: 'PUT', path: '/Users/5d0b3c2e-1f4a-4c7e-9a8b-000000000000', data: userBody() },
        { method: 'POST', path: '/Users', bulkId: 'later', data: later },
      ],
      { failOnErrors: 1 },
    );
    // DELETE of an unknown id is 204 (idempotent, as the route); the PUT's 404 is the first error.
    expect(ops.map((o) => o.status)).toEqual(['204', '404']);
    const search = await h.req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${later['userName']}"`)}`, { token });
    expect(search.json().totalResults).toBe(0);
  });

  it("never touches another team: paths and bulkId values are resolved in the caller's team", async () => {
    const a = await h.team();
    const b = await h.team();
    const mine = await bulk(a.token, [{ method: 'POST', path: '/Users', bulkId: 'u', data: userBody() }]);
    const uid = idOf(mine.ops[0].location);
    const { ops } = await bulk(b.token, [
      { method: 'PUT', path: `/Users/${uid}`, data: userBody() },
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP], displayName: 'Steal', members: [{ value: uid }] } },
    ]);
    expect(ops.map((o) => o.status)).toEqual(['404', '400']);
    expect((await h.req('GET', `/scim/v2/Users/${uid}`, { token: a.token })).statusCode).toBe(200);
  });

  it('answers 413 above maxOperations and maxPayloadSize, 400 for a broken envelope, 401 without a token', async () => {
    const { token } = await h.team();
    const many = Array.from({ length: 21 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }));
    const tooMany = await bulk(token, many);
    expect(tooMany.r.statusCode).toBe(413);
    expect(tooMany.r.json()).toMatchObject({ status: '413', detail: 'The number of operations (21) exceeds the maxOperations (20)' });
    const big = await bulk(token, [
      { method: 'POST', path: '/Users', bulkId: 'b', data: userBody({ displayName: 'x'.repeat(17 * 1024) }) },
    ]);
    expect(big.r.statusCode).toBe(413);
    expect(big.r.json().detail).toMatch(/exceeds the maxPayloadSize \(16384 bytes\)/);
    const broken = await h.req('POST', '/scim/v2/Bulk', { token, body: { schemas: [BULK] } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ scimType: 'invalidSyntax', detail: 'A BulkRequest needs an Operations array' });
    expect((await h.req('POST', '/scim/v2/Bulk', { body: { schemas: [BULK], Operations: [] } })).statusCode).toBe(401);
  });

  it('advertises its limits in ServiceProviderConfig', async () => {
    const r = await h.req('GET', '/scim/v2/ServiceProviderConfig');
    expect(r.json().bulk).toEqual({ supported: true, maxOperations: 20, maxPayloadSize: 16384 });
  });
});

describe('SCIM /Bulk turned off', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.bulkMaxOperations': 0 }));
  afterAll(() => h.stop());

  it('is advertised as unsupported and answers 501', async () => {
    expect((await h.req('GET', '/scim/v2/ServiceProviderConfig')).json().bulk).toEqual({
      supported: false,
      maxOperations: 0,
      maxPayloadSize: 0,
    });
    const { token } = await h.team();
    const r = await h.req('POST', '/scim/v2/Bulk', { token, body: { schemas: [BULK], Operations: [] } });
    expect(r.statusCode).toBe(501);
    expect(r.json()).toMatchObject({ status: '501', detail: expect.stringMatching(/Bulk is turned off/) });
  });
});

describe('SCIM /Bulk and the per-token rate limit', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.tokenRateLimit': 1, 'scim.tokenRateBurst': 3 }));
  afterAll(() => h.stop());

  it('charges each operation to the token: a large Bulk is let in, and the token then waits (429, Retry-After)', async () => {
    const { token } = await h.team();
    const ops = Array.from({ length: 6 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userBody() }));
    const r = await h.req('POST', '/scim/v2/Bulk', { token, body: { schemas: [BULK], Operations: ops } });
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json().Operations as Result[]).map((o) => o.status)).toEqual(Array(6).fill('201'));
    const next = await h.req('GET', '/scim/v2/Users?count=1', { token });
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThanOrEqual(2);
    // Another team's token is not slowed down.
    const other = await h.team();
    expect((await h.req('GET', '/scim/v2/Users?count=1', { token: other.token })).statusCode).toBe(200);
  });
});
