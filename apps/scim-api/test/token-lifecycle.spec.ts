import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { FakeClock, type TeamId, newScimTokenId } from '@sso/domain';
import { CassandraScimTokenLifecycleStore, type SparStores } from '@sso/persistence';
import { SPAR_STORES, StoresModule } from '@sso/platform';
import { scimApi } from '../src/app';
import { ScimHarness } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** scim-api on real Cassandra with a fake clock (the stores, the check cache, the limiter and last_used all read it). */
class ClockedHarness extends ScimHarness {
  readonly clock = new FakeClock(new Date());

  override async start(overrides: Record<string, unknown> = {}): Promise<void> {
    const original = scimApi.imports;
    scimApi.imports = [StoresModule.forRoot({ clock: this.clock }), ...original.slice(1)];
    try {
      await super.start(overrides);
    } finally {
      scimApi.imports = original;
    }
  }

  get lifecycle() {
    return new CassandraScimTokenLifecycleStore(this.db);
  }

  async tokenRec(token: string) {
    return this.spar.scimTokens.lookup(hashScimToken(token), token);
  }
}

const list = (h: ScimHarness, token: string) => h.req('GET', '/scim/v2/Users?count=1', { token });

/** Waits for the fire-and-forget write that follows a response. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await read();
    if (ok(v) || i === 100) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('scim-api: SCIM token expiry, cache, last_used (real Cassandra, fake clock)', () => {
  const h = new ClockedHarness();
  beforeAll(() => h.start({ 'scim.tokenCacheSeconds': 5, 'scim.tokenRateLimit': 0 }));
  afterAll(() => h.stop());

  it('accepts a token until its expiry, then refuses it as expired (401, RFC 7644 body)', async () => {
    const { team, token } = await h.team();
    const rec = (await h.tokenRec(token))!;
    await h.lifecycle.put({
      tokenKey: rec.tokenKey,
      team,
      id: rec.id,
      expiresAt: new Date(h.clock.now().getTime() + 60_000),
      rotatedFrom: null,
    });
    expect((await list(h, token)).statusCode).toBe(200);
    h.clock.advance(59_999);
    expect((await list(h, token)).statusCode).toBe(200);
    h.clock.advance(1);
    const r = await list(h, token);
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ schemas: [ERROR], status: '401', detail: 'authorization failed: SCIM token expired' });
  });

  it('a token deleted by another process works for at most tokenCacheSeconds, one deleted here stops at once', async () => {
    const { team, token } = await h.team();
    const rec = (await h.tokenRec(token))!;
    expect((await list(h, token)).statusCode).toBe(200);
    await h.spar.scimTokens.delete(team, rec.id); // token-admin, another process
    expect((await list(h, token)).statusCode).toBe(200); // still cached: the stated bound
    h.clock.advance(5_000);
    expect((await list(h, token)).statusCode).toBe(401);

    const other = await h.token(team, null);
    expect((await list(h, other)).statusCode).toBe(200);
    const own = h.t.app.get<SparStores>(SPAR_STORES);
    await own.scimTokens.delete(team, (await h.tokenRec(other))!.id);
    expect((await list(h, other)).statusCode).toBe(401);
  });

  it('a token tried before its row arrived is accepted one second later (the negative cache)', async () => {
    const { team } = await h.team();
    const secret = generateScimToken();
    expect((await list(h, secret)).statusCode).toBe(401);
    await h.spar.scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(secret),
      createdAt: h.clock.now(),
      idp: null,
      description: 'late',
      name: 'late',
    });
    expect((await list(h, secret)).statusCode).toBe(401);
    h.clock.advance(1_000);
    expect((await list(h, secret)).statusCode).toBe(200);
  });

  it('writes last_used after the answer, at most once a minute', async () => {
    const { token } = await h.team();
    const key = (await h.tokenRec(token))!.tokenKey;
    const t0 = h.clock.now();
    expect((await list(h, token)).statusCode).toBe(200);
    const first = await eventually(
      () => h.lifecycle.get(key),
      (v) => v?.lastUsed != null,
    );
    expect(first?.lastUsed).toEqual(t0);
    for (let i = 0; i < 10; i++) {
      h.clock.advance(5_000);
      expect((await list(h, token)).statusCode).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await h.lifecycle.get(key))?.lastUsed).toEqual(t0);
    // Past the minute and the largest per-process jitter (20 s): the next request writes again.
    h.clock.advance(30_000);
    const t1 = h.clock.now();
    await list(h, token);
    const second = await eventually(
      () => h.lifecycle.get(key),
      (v) => v?.lastUsed?.getTime() === t1.getTime(),
    );
    expect(second?.lastUsed).toEqual(t1);
    // The lifecycle row holds nothing else for a token without expiry: still no expiry.
    expect(second).toMatchObject({ expiresAt: null, rotatedFrom: null });
  });
});

describe('scim-api: per-token rate limit (real Cassandra, fake clock)', () => {
  const h = new ClockedHarness();
  beforeAll(() => h.start({ 'scim.tokenRateLimit': 2, 'scim.tokenRateBurst': 3 }));
  afterAll(() => h.stop());

  it('answers 429 with Retry-After and an RFC 7644 body past the burst, refills at the rate, and leaves other tokens alone', async () => {
    const a = await h.team();
    const b = await h.team();
    const sameTeam = await h.token(a.team as TeamId, null);
    for (let i = 0; i < 3; i++) expect((await list(h, a.token)).statusCode).toBe(200);
    const refused = await list(h, a.token);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(refused.json()).toEqual({
      schemas: [ERROR],
      status: '429',
      detail: 'Too many requests with this SCIM token; retry after the number of seconds in Retry-After',
    });
    // Writes are limited like reads.
    expect((await h.req('DELETE', '/scim/v2/Users/5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', { token: a.token })).statusCode).toBe(429);
    // Another team's token, and another token of the same team, are not slowed.
    for (let i = 0; i < 3; i++) expect((await list(h, b.token)).statusCode).toBe(200);
    expect((await list(h, sameTeam)).statusCode).toBe(200);
    h.clock.advance(500);
    expect((await list(h, a.token)).statusCode).toBe(200);
    expect((await list(h, a.token)).statusCode).toBe(429);
    // A refused token never reaches the limiter: bad tokens stay 401.
    expect((await list(h, 'B'.repeat(44))).statusCode).toBe(401);
  });
});
