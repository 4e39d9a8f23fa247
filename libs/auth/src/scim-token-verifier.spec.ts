import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ScimTokenId, type TeamId } from '@sso/domain';
import { memorySparStores } from '@sso/persistence';
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

describe('ScimTokenVerifier', () => {
  it('finds a token by its hash', async () => {
    const stores = memorySparStores();
    const token = generateScimToken();
    const rec = record(hashScimToken(token));
    await stores.scimTokens.insert(rec);
    expect(await new ScimTokenVerifier(stores.scimTokens).verify(token)).toEqual(rec);
  });

  it('refuses unknown, implausible and hash-as-token values', async () => {
    const stores = memorySparStores();
    const token = generateScimToken();
    await stores.scimTokens.insert(record(hashScimToken(token)));
    const v = new ScimTokenVerifier(stores.scimTokens);
    expect(await v.verify(generateScimToken())).toBeNull();
    expect(await v.verify('')).toBeNull();
    expect(await v.verify('x'.repeat(10_000))).toBeNull();
    // Knowing the stored hash must not be enough.
    expect(await v.verify(hashScimToken(token).slice('sha512:'.length))).toBeNull();
  });

  it('rehashes a legacy plaintext row on first use, after which only the hash is stored', async () => {
    const stores = memorySparStores();
    const token = generateScimToken();
    const legacy = record(token);
    await stores.scimTokens.insert(legacy);
    const v = new ScimTokenVerifier(stores.scimTokens);
    expect(await v.verify(token)).toMatchObject({ id: legacy.id, tokenKey: hashScimToken(token) });
    expect((await stores.scimTokens.get(legacy.team, legacy.id))?.tokenKey).toBe(hashScimToken(token));
    expect(await stores.scimTokens.lookup(token, token)).toBeNull();
    expect(await v.verify(token)).toMatchObject({ id: legacy.id });
  });
});
