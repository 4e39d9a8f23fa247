import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newScimTokenId, newTeamId } from '@sso/domain';
import type { ScimTokenLifecycleStore } from '../ports/scim-token-lifecycle-store';

const key = () => `sha512:${randomBytes(64).toString('base64')}`;

export function scimTokenLifecycleContract(label: string, make: () => ScimTokenLifecycleStore): void {
  describe(`ScimTokenLifecycleStore (scim_token_lifecycle): ${label}`, () => {
    it('has no row for a token it never saw', async () => {
      const store = make();
      expect(await store.get(key())).toBeNull();
      expect((await store.getMany([key(), key()])).size).toBe(0);
      expect((await store.getMany([])).size).toBe(0);
    });

    it('keeps expiry and rotation origin, and put leaves last_used alone', async () => {
      const store = make();
      const [k, team, id, from] = [key(), newTeamId(), newScimTokenId(), newScimTokenId()];
      const expiresAt = new Date('2027-03-01T12:00:00.123Z');
      await store.put({ tokenKey: k, team, id, expiresAt, rotatedFrom: from });
      expect(await store.get(k)).toEqual({ tokenKey: k, team, id, expiresAt, rotatedFrom: from, lastUsed: null });
      const used = new Date('2026-12-04T10:00:00.000Z');
      await store.touch(k, used);
      expect((await store.get(k))?.lastUsed).toEqual(used);
      await store.put({ tokenKey: k, team, id, expiresAt: null, rotatedFrom: null });
      expect(await store.get(k)).toEqual({ tokenKey: k, team, id, expiresAt: null, rotatedFrom: null, lastUsed: used });
    });

    it('touch on a token without a row makes a row with only last_used; a later touch overwrites it', async () => {
      const store = make();
      const k = key();
      await store.touch(k, new Date(1_000));
      await store.touch(k, new Date(61_000));
      expect(await store.get(k)).toEqual({
        tokenKey: k,
        team: null,
        id: null,
        expiresAt: null,
        rotatedFrom: null,
        lastUsed: new Date(61_000),
      });
    });

    it('reads many rows by key, and forgets a deleted one', async () => {
      const store = make();
      const team = newTeamId();
      const keys = [key(), key(), key()];
      for (const [i, k] of keys.entries())
        await store.put({ tokenKey: k, team, id: newScimTokenId(), expiresAt: new Date(i * 1000), rotatedFrom: null });
      const many = await store.getMany([...keys, key(), keys[0]!]);
      expect([...many.keys()].sort()).toEqual([...keys].sort());
      expect(many.get(keys[2]!)?.expiresAt).toEqual(new Date(2000));
      await store.delete(keys[1]!);
      await store.delete(key());
      expect(await store.get(keys[1]!)).toBeNull();
      expect((await store.getMany(keys)).size).toBe(2);
    });
  });
}
