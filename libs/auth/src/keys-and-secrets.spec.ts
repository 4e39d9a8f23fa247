import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';
import { generateScimToken, hashScimToken, plausibleScimToken, sameTokenKey } from './scim-token';
import { KeyRingError, generateKeyEntry, keyRingFromEntries } from './signing-keys';

describe('SCIM token secrets', () => {
  it('are 32 random bytes in padded base64 (44 characters), as spar makes them', () => {
    const t = generateScimToken();
    expect(t).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(t, 'base64')).toHaveLength(32);
    expect(generateScimToken()).not.toBe(t);
  });

  it('are stored as "sha512:" + base64(SHA-512(token))', () => {
    expect(hashScimToken('abc')).toBe(`sha512:${createHash('sha512').update('abc').digest('base64')}`);
    expect(hashScimToken('abc')).toBe('sha512:3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==');
  });

  it('compare in constant time, and only equal keys match', () => {
    expect(sameTokenKey('sha512:a', 'sha512:a')).toBe(true);
    expect(sameTokenKey('sha512:a', 'sha512:b')).toBe(false);
    expect(sameTokenKey('short', 'longer')).toBe(false);
  });

  it('refuse implausible bearer values before any lookup', () => {
    expect(plausibleScimToken(generateScimToken())).toBe(true);
    for (const bad of ['', 'abc', 'x'.repeat(600), 'has space in it......', 'quote"injection"here..'])
      expect(plausibleScimToken(bad)).toBe(false);
  });
});

describe('passwords', () => {
  it('hash with argon2id and verify', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'correct horse')).toBe(true);
    expect(await verifyPassword(h, 'wrong horse')).toBe(false);
  });

  it('never verify against a missing or malformed hash', async () => {
    expect(await verifyPassword(undefined, 'x')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});

describe('key rings', () => {
  it('load Ed25519 keys and sign with the first private one', () => {
    const a = generateKeyEntry('a');
    const b = generateKeyEntry('b');
    const ring = keyRingFromEntries([{ kid: 'a', publicKey: a.publicKey }, b]);
    expect(ring.signing.kid).toBe('b');
    expect([...ring.byKid.keys()]).toEqual(['a', 'b']);
  });

  it('refuse what cannot work, naming the entry', () => {
    const a = generateKeyEntry('a');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: Array<[unknown, RegExp]> = [
      [[], /non-empty/],
      [{}, /non-empty/],
      [[{ kid: 'a b', privateKey: a.privateKey }], /\[0\]\.kid/],
      [[{ kid: 'a' }], /\[0\]: needs privateKey or publicKey/],
      [[{ kid: 'a', privateKey: 'garbage' }], /\[0\]/],
      [[{ kid: 'a', privateKey: rsa }], /Ed25519/],
      [[a, a], /duplicate kid/],
      [[{ kid: 'a', publicKey: a.publicKey }], /no key with a privateKey/],
    ];
    for (const [entries, message] of cases) expect(() => keyRingFromEntries(entries)).toThrow(message);
    expect(() => keyRingFromEntries([])).toThrow(KeyRingError);
  });
});
