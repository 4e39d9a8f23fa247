import { newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import type { ScimUserDocStore } from '../ports/scim-user-doc-store';
import { concurrently } from './env.contract';

/** The contract of `ScimUserDocStore`, run against the Cassandra adapter and the twin. */
export function scimUserDocContract(name: string, store: () => ScimUserDocStore): void {
  describe(`ScimUserDocStore (scim_user_doc): ${name}`, () => {
    it('creates once, reads back, and reports the current version to a second create', async () => {
      const s = store();
      const uid = newUserId();
      expect(await s.get(uid)).toBeNull();
      expect(await s.create({ uid, doc: '{"a":1}', version: 'v1' })).toEqual({ ok: true });
      expect(await s.create({ uid, doc: '{"a":2}', version: 'v2' })).toEqual({ ok: false, current: 'v1' });
      expect(await s.get(uid)).toEqual({ uid, doc: '{"a":1}', version: 'v1' });
      expect(await s.get(uid.toUpperCase() as typeof uid)).toEqual({ uid, doc: '{"a":1}', version: 'v1' });
    });

    it('replaces only on the expected version (compare-and-set)', async () => {
      const s = store();
      const uid = newUserId();
      expect(await s.replace({ uid, doc: '{}', version: 'v2' }, 'v1')).toEqual({ ok: false, current: null });
      await s.create({ uid, doc: '{}', version: 'v1' });
      expect(await s.replace({ uid, doc: '{"b":1}', version: 'v2' }, 'v0')).toEqual({ ok: false, current: 'v1' });
      expect(await s.replace({ uid, doc: '{"b":1}', version: 'v2' }, 'v1')).toEqual({ ok: true });
      expect((await s.get(uid))?.version).toBe('v2');
    });

    it('of 10 concurrent replaces from one version exactly one wins', async () => {
      const s = store();
      const uid = newUserId();
      await s.create({ uid, doc: '{}', version: 'v0' });
      const results = await concurrently(10, (i) => s.replace({ uid, doc: `{"i":${i}}`, version: `w${i}` }, 'v0'));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('deletes only on the expected version (compare-and-set); of concurrent deletes and replaces one wins', async () => {
      const s = store();
      const uid = newUserId();
      await s.create({ uid, doc: '{}', version: 'v1' });
      expect(await s.deleteIf(uid, 'v0')).toEqual({ ok: false, current: 'v1' });
      expect(await s.get(uid)).not.toBeNull();
      const results = await concurrently(6, (i) => (i % 2 ? s.deleteIf(uid, 'v1') : s.replace({ uid, doc: '{}', version: `w${i}` }, 'v1')));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await s.deleteIf(newUserId(), 'v1')).toEqual({ ok: false, current: null });
    });

    it('keeps meta times with the document: written by create and replace, read by get and getMany; rows without have none', async () => {
      const s = store();
      const [a, b] = [newUserId(), newUserId()];
      const created = new Date('2026-12-04T10:00:00.000Z');
      const later = new Date('2026-12-04T11:30:00.123Z');
      await s.create({ uid: a, doc: '{}', version: 'v1', times: { createdAt: created, lastUpdatedAt: created } });
      await s.create({ uid: b, doc: '{}', version: 'w1' });
      expect(await s.get(a)).toEqual({ uid: a, doc: '{}', version: 'v1', times: { createdAt: created, lastUpdatedAt: created } });
      expect((await s.get(b))?.times).toBeUndefined();
      // A replace that loses the compare-and-set leaves the times as they were.
      expect(
        (await s.replace({ uid: a, doc: '{"x":1}', version: 'v2', times: { createdAt: created, lastUpdatedAt: later } }, 'v0')).ok,
      ).toBe(false);
      expect((await s.get(a))?.times).toEqual({ createdAt: created, lastUpdatedAt: created });
      expect(
        (await s.replace({ uid: a, doc: '{"x":1}', version: 'v2', times: { createdAt: created, lastUpdatedAt: later } }, 'v1')).ok,
      ).toBe(true);
      // A replace of a row written before the times gives it times.
      expect((await s.replace({ uid: b, doc: '{}', version: 'w2', times: { createdAt: created, lastUpdatedAt: later } }, 'w1')).ok).toBe(
        true,
      );
      const many = await s.getMany([a, b]);
      expect(many.get(a)?.times).toEqual({ createdAt: created, lastUpdatedAt: later });
      expect(many.get(b)?.times).toEqual({ createdAt: created, lastUpdatedAt: later });
    });

    it("writes a new user's first document without a condition; compare-and-sets, concurrent ones too, and deletes apply on it", async () => {
      const s = store();
      const uid = newUserId();
      const created = new Date('2026-12-05T03:00:00.000Z');
      await s.insertNew({ uid, doc: '{"a":1}', version: 'v1', times: { createdAt: created, lastUpdatedAt: created } });
      expect(await s.get(uid)).toEqual({ uid, doc: '{"a":1}', version: 'v1', times: { createdAt: created, lastUpdatedAt: created } });
      expect(await s.replace({ uid, doc: '{"a":2}', version: 'v2' }, 'v0')).toEqual({ ok: false, current: 'v1' });
      const results = await concurrently(6, (i) => s.replace({ uid, doc: `{"i":${i}}`, version: `w${i}` }, 'v1'));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.findIndex((r) => r.ok);
      expect(await s.get(uid)).toMatchObject({ doc: `{"i":${winner}}`, version: `w${winner}` });
      expect(await s.deleteIf(uid, `w${winner}`)).toEqual({ ok: true });
      expect(await s.get(uid)).toBeNull();
    });

    it('reads many and deletes', async () => {
      const s = store();
      const [a, b, c] = [newUserId(), newUserId(), newUserId()];
      await s.create({ uid: a, doc: '1', version: 'x' });
      await s.create({ uid: b, doc: '2', version: 'y' });
      const many = await s.getMany([a, b, c]);
      expect([...many.keys()].sort()).toEqual([a, b].sort());
      await s.delete(a);
      expect(await s.get(a)).toBeNull();
      await s.delete(c);
    });
  });
}
