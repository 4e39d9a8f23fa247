import { newIdpId, newTeamId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import type { IdpMetadataSource, IdpMetadataSourceStore } from '../ports/idp-metadata-source-store';
import { concurrently } from './env.contract';

const source = (over: Partial<IdpMetadataSource> = {}): IdpMetadataSource => ({
  idp: newIdpId(),
  team: newTeamId(),
  url: 'https://idp.example.com/metadata',
  checkedAt: new Date('2026-11-30T10:00:00.000Z'),
  appliedAt: new Date('2026-11-30T10:00:00.000Z'),
  validUntil: null,
  lastError: null,
  ...over,
});

/** The contract of `IdpMetadataSourceStore`, run against the Cassandra adapter and the twin. */
export function idpMetadataSourceContract(
  name: string,
  store: () => IdpMetadataSourceStore,
  elapse: (seconds: number) => Promise<void>,
): void {
  describe(`IdpMetadataSourceStore (idp_metadata_source): ${name}`, () => {
    it('puts, reads back (ids case-insensitive), records attempts, deletes', async () => {
      const s = store();
      const src = source({ validUntil: new Date('2027-01-01T00:00:00.000Z') });
      expect(await s.get(src.idp)).toBeNull();
      await s.put(src);
      expect(await s.get(src.idp.toUpperCase() as typeof src.idp)).toEqual(src);
      const later = new Date('2026-11-30T11:00:00.000Z');
      await s.recordAttempt(src.idp, { checkedAt: later, lastError: 'metadata expired' });
      expect(await s.get(src.idp)).toEqual({ ...src, checkedAt: later, lastError: 'metadata expired' });
      const applied = new Date('2026-11-30T12:00:00.000Z');
      await s.recordAttempt(src.idp, { checkedAt: applied, lastError: null, appliedAt: applied, validUntil: null });
      expect(await s.get(src.idp)).toEqual({ ...src, checkedAt: applied, appliedAt: applied, validUntil: null, lastError: null });
      await s.delete(src.idp);
      expect(await s.get(src.idp)).toBeNull();
      // An attempt finishing after the delete does not bring the row back.
      await s.recordAttempt(src.idp, { checkedAt: applied, lastError: null, appliedAt: applied });
      expect(await s.get(src.idp)).toBeNull();
    });

    it('lists every source over several pages', async () => {
      const s = store();
      const mine = [source(), source(), source()];
      for (const m of mine) await s.put(m);
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = await s.list({ limit: 2, cursor });
        for (const i of page.items) seen.add(i.idp);
        cursor = page.cursor;
      } while (cursor);
      for (const m of mine) expect(seen.has(m.idp)).toBe(true);
      for (const m of mine) await s.delete(m.idp);
    });

    it('leases: one of 10 concurrent claims wins; only the owner releases; none on a missing row; expires', async () => {
      const s = store();
      const src = source();
      expect(await s.tryLease(src.idp, 'ghost', 5)).toBe(false);
      expect(await s.get(src.idp)).toBeNull();
      await s.put(src);
      const results = await concurrently(10, (i) => s.tryLease(src.idp, `owner-${i}`, 30));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `owner-${results.indexOf(true)}`;
      await s.releaseLease(src.idp, 'someone-else');
      expect(await s.tryLease(src.idp, 'late', 30)).toBe(false);
      await s.releaseLease(src.idp, winner);
      expect(await s.tryLease(src.idp, 'short', 1)).toBe(true);
      await elapse(2);
      expect(await s.tryLease(src.idp, 'after-expiry', 30)).toBe(true);
      // put (an admin's update) keeps a running lease.
      await s.put({ ...src, url: 'https://idp.example.com/other' });
      expect(await s.tryLease(src.idp, 'again', 30)).toBe(false);
      await s.delete(src.idp);
    });
  });
}
