// The SCIM token guard on the memory twins (unit tier): rate limit, same-process revocation,
// expiry. apps/scim-api/test/token-lifecycle.spec.ts runs the same on Cassandra with a fake clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScimToken, hashScimToken } from '@sso/auth';
import { FakeClock, type TeamId, newScimTokenId, newTeamId } from '@sso/domain';
import type { ScimTokenLifecycleStore, SparStores } from '@sso/persistence';
import { SCIM_TOKEN_LIFECYCLE, SPAR_STORES, StoresModule } from '@sso/platform';
import { type TestApp, memoryTestConfig, startTestApp } from '@sso/testing';
import { scimApi } from './app';

describe('scim-api token guard on the memory backend', () => {
  let t: TestApp;
  let spar: SparStores;
  let lifecycle: ScimTokenLifecycleStore;

  beforeAll(async () => {
    // A fake clock that never moves: no refill comes between the requests, however slow the machine.
    const spec = { ...scimApi, imports: [StoresModule.forRoot({ clock: new FakeClock(new Date()) }), ...scimApi.imports.slice(1)] };
    t = await startTestApp(spec, memoryTestConfig({ 'scim.tokenRateLimit': 1, 'scim.tokenRateBurst': 2, 'scim.tokenCacheSeconds': 60 }));
    spar = t.app.get<SparStores>(SPAR_STORES);
    lifecycle = t.app.get<ScimTokenLifecycleStore>(SCIM_TOKEN_LIFECYCLE);
  });
  afterAll(() => t?.close());

  async function token(team: TeamId = newTeamId()) {
    const secret = generateScimToken();
    const id = newScimTokenId();
    await spar.scimTokens.insert({
      team,
      id,
      tokenKey: hashScimToken(secret),
      createdAt: new Date(),
      idp: null,
      description: 'd',
      name: 'n',
    });
    return { secret, id, team };
  }
  const get = (secret: string) => t.app.inject({ method: 'GET', url: '/scim/v2/Groups', headers: { authorization: `Bearer ${secret}` } });

  it('rate-limits per token: 429 with Retry-After past the burst, other tokens unaffected', async () => {
    const a = await token();
    const b = await token(a.team);
    expect((await get(a.secret)).statusCode).toBe(200);
    expect((await get(a.secret)).statusCode).toBe(200);
    const r = await get(a.secret);
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    expect((await get(b.secret)).statusCode).toBe(200);
  });

  it('a token deleted through the same process is refused at once, despite a 60 s cache', async () => {
    const a = await token();
    expect((await get(a.secret)).statusCode).toBe(200);
    await spar.scimTokens.delete(a.team, a.id);
    expect((await get(a.secret)).statusCode).toBe(401);
  });

  it('an expiry set through the same process takes effect at once; an expired token is 401 with its own message', async () => {
    const a = await token();
    expect((await get(a.secret)).statusCode).toBe(200);
    await lifecycle.put({
      tokenKey: hashScimToken(a.secret),
      team: a.team,
      id: a.id,
      expiresAt: new Date(0),
      rotatedFrom: null,
    });
    const r = await get(a.secret);
    expect(r.statusCode).toBe(401);
    expect(r.json().detail).toBe('authorization failed: SCIM token expired');
  });
});
