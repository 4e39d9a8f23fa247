import { createHash, randomBytes } from 'node:crypto';
import { newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import type { PasswordResetStore } from '../ports/password-reset-store';
import { concurrently } from './env.contract';

const hash = (code: string) => createHash('sha256').update(code).digest();
const newKey = () => randomBytes(16).toString('base64url');

/**
 * The contract of `PasswordResetStore`. Expiry is judged by the `now` the caller passes, so no test
 * waits; the row's TTL (expiry plus a day) is not exercised here.
 */
export function passwordResetContract(name: string, store: () => PasswordResetStore): void {
  describe(`PasswordResetStore (password_reset): ${name}`, () => {
    const t0 = new Date('2026-12-04T10:00:00Z');
    const later = (s: number) => new Date(t0.getTime() + s * 1000);
    // Cassandra's TTL counts from the real now, so rows are written as of now.
    const now = () => new Date();

    it('checks without using; consumes once; then the link is used', async () => {
      const s = store();
      const key = newKey();
      const user = newUserId();
      const at = now();
      await s.put({ key, user, codeHash: hash('code-1'), expires: new Date(at.getTime() + 3600_000) }, at);
      expect(await s.check(key, hash('code-1'), at)).toEqual({ state: 'valid', user });
      expect(await s.check(key, hash('code-1'), at)).toEqual({ state: 'valid', user });
      expect(await s.check(key, hash('wrong'), at)).toEqual({ state: 'invalid' });
      expect(await s.consume(key, hash('wrong'), at)).toEqual({ state: 'invalid' });
      expect(await s.consume(key, hash('code-1'), at)).toEqual({ state: 'valid', user });
      expect(await s.consume(key, hash('code-1'), at)).toEqual({ state: 'used' });
      expect(await s.check(key, hash('code-1'), at)).toEqual({ state: 'used' });
    });

    it('an unknown key is invalid; an expired link is expired and cannot be used', async () => {
      const s = store();
      expect(await s.check(newKey(), hash('x'), t0)).toEqual({ state: 'invalid' });
      const key = newKey();
      const at = now();
      await s.put({ key, user: newUserId(), codeHash: hash('c'), expires: new Date(at.getTime() + 60_000) }, at);
      const after = new Date(at.getTime() + 60_000);
      expect(await s.check(key, hash('c'), after)).toEqual({ state: 'expired' });
      expect(await s.consume(key, hash('c'), after)).toEqual({ state: 'expired' });
      expect(await s.check(key, hash('c'), later(-1))).toMatchObject({ state: 'valid' });
    });

    it('a new request replaces the old link (the old code no longer works, a used link is usable again)', async () => {
      const s = store();
      const key = newKey();
      const user = newUserId();
      const at = now();
      const expires = new Date(at.getTime() + 3600_000);
      await s.put({ key, user, codeHash: hash('old'), expires }, at);
      expect((await s.consume(key, hash('old'), at)).state).toBe('valid');
      await s.put({ key, user, codeHash: hash('new'), expires }, at);
      expect(await s.check(key, hash('old'), at)).toEqual({ state: 'invalid' });
      expect(await s.consume(key, hash('new'), at)).toEqual({ state: 'valid', user });
    });

    it('of 10 concurrent uses of one link exactly one succeeds', async () => {
      const s = store();
      const key = newKey();
      const at = now();
      await s.put({ key, user: newUserId(), codeHash: hash('c'), expires: new Date(at.getTime() + 3600_000) }, at);
      const results = await concurrently(10, () => s.consume(key, hash('c'), at));
      expect(results.filter((r) => r.state === 'valid')).toHaveLength(1);
      expect(results.filter((r) => r.state === 'used')).toHaveLength(9);
    });
  });
}
