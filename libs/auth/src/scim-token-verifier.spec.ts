import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, type ScimTokenId, type TeamId } from '@sso/domain';
import { MemoryScimTokenLifecycleStore, ScimTokenAuthCache, directScimTokenAuth, memorySparStores } from '@sso/persistence';
import { generateScimToken, hashScimToken } from './scim-token';
import { ScimTokenVerifier } from './scim-token-verifier';

const record = (tokenKey: string) => ({
  team: randomUUID() as TeamId,
  id: randomUUID() as ScimTokenId,
  tokenKey,
  createdAt: new Date(),
  idp: null,
  description: 'd',
  name: 'n',
});

function setup(clock = new FakeClock()) {
  const stores = memorySparStores(clock);
  const lifecycle = new MemoryScimTokenLifecycleStore();
  const v = new ScimTokenVerifier(directScimTokenAuth(stores.scimTokens, lifecycle), stores.scimTokens, clock);
  return { stores, lifecycle, v, clock };
}

describe('ScimTokenVerifier', () => {
  it('finds a token by its hash', async () => {
    const { stores, v } = setup();
    const token = generateScimToken();
    const rec = record(hashScimToken(token));
    await stores.scimTokens.insert(rec);
    expect(await v.verify(token)).toEqual(rec);
    expect(await v.check(token)).toEqual({ ok: true, token: rec, expiresAt: null, lastUsed: null });
  });

  it('refuses unknown, implausible and hash-as-token values', async () => {
    const { stores, v } = setup();
    const token = generateScimToken();
    await stores.scimTokens.insert(record(hashScimToken(token)));
    expect(await v.verify(generateScimToken())).toBeNull();
    expect(await v.verify('')).toBeNull();
    expect(await v.verify('x'.repeat(10_000))).toBeNull();
    // Knowing the stored hash must not be enough.
    expect(await v.verify(hashScimToken(token).slice('sha512:'.length))).toBeNull();
    expect(await v.check(generateScimToken())).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rehashes a legacy plaintext row on first use, after which only the hash is stored', async () => {
    const { stores, v } = setup();
    const token = generateScimToken();
    const legacy = record(token);
    await stores.scimTokens.insert(legacy);
    expect(await v.verify(token)).toMatchObject({ id: legacy.id, tokenKey: hashScimToken(token) });
    expect((await stores.scimTokens.get(legacy.team, legacy.id))?.tokenKey).toBe(hashScimToken(token));
    expect(await stores.scimTokens.lookup(token, token)).toBeNull();
    expect(await v.verify(token)).toMatchObject({ id: legacy.id });
  });

  it('accepts a token until its expiry and refuses it as expired from that instant on (fake clock)', async () => {
    const { stores, lifecycle, v, clock } = setup();
    const token = generateScimToken();
    const rec = record(hashScimToken(token));
    await stores.scimTokens.insert(rec);
    const expiresAt = new Date(clock.now().getTime() + 3_600_000);
    await lifecycle.put({ tokenKey: rec.tokenKey, team: rec.team, id: rec.id, expiresAt, rotatedFrom: null });
    expect(await v.check(token)).toMatchObject({ ok: true, expiresAt });
    clock.advance(3_600_000 - 1);
    expect((await v.check(token)).ok).toBe(true);
    clock.advance(1);
    expect(await v.check(token)).toEqual({ ok: false, reason: 'expired' });
    expect(await v.verify(token)).toBeNull();
  });

  it('applies an expiry set on a legacy token (keyed by the hash of its plaintext)', async () => {
    const { stores, lifecycle, v, clock } = setup();
    const token = generateScimToken();
    const legacy = record(token);
    await stores.scimTokens.insert(legacy);
    await lifecycle.put({ tokenKey: hashScimToken(token), team: legacy.team, id: legacy.id, expiresAt: clock.now(), rotatedFrom: null });
    expect(await v.check(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token at its expiry even while the check cache still holds it', async () => {
    const { stores, lifecycle, clock } = setup();
    const cache = new ScimTokenAuthCache(stores.scimTokens, lifecycle, clock, 60);
    const v = new ScimTokenVerifier(cache.forAuth, cache.tokens, clock);
    const token = generateScimToken();
    const rec = record(hashScimToken(token));
    await stores.scimTokens.insert(rec);
    await lifecycle.put({
      tokenKey: rec.tokenKey,
      team: rec.team,
      id: rec.id,
      expiresAt: new Date(clock.now().getTime() + 10),
      rotatedFrom: null,
    });
    expect((await v.check(token)).ok).toBe(true);
    expect(cache.size.known).toBe(1);
    clock.advance(10);
    expect(await v.check(token)).toEqual({ ok: false, reason: 'expired' });
  });
});
