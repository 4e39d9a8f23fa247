import { describe, expect, it } from 'vitest';
import { newIdpId, newTeamId } from '@sso/domain';
import type { IdpDomainStore } from '../ports/idp-domain-store';

export function idpDomainContract(label: string, make: () => IdpDomainStore): void {
  describe(`IdpDomainStore (idp_domain): ${label}`, () => {
    const t0 = new Date('2026-12-04T10:00:00.000Z');
    const t1 = new Date('2026-12-04T10:05:00.000Z');

    it('claims a free pair, answers an own claim again, and names the holder to anyone else', async () => {
      const store = make();
      const [team, other] = [newTeamId(), newTeamId()];
      const [a, b] = [newIdpId(), newIdpId()];
      expect(await store.claim(team, 'a.example.com', a, t0)).toBeNull();
      expect(await store.claim(team, 'a.example.com', a.toUpperCase() as typeof a, t1)).toBeNull();
      expect(await store.claim(team, 'a.example.com', b, t1)).toEqual({ idp: a, claimedAt: t0 });
      // Per team and per domain.
      expect(await store.claim(other, 'a.example.com', b, t1)).toBeNull();
      expect(await store.claim(team, 'b.example.com', b, t1)).toBeNull();
    });

    it('takes over only from the current holder', async () => {
      const store = make();
      const team = newTeamId();
      const [a, b, c] = [newIdpId(), newIdpId(), newIdpId()];
      await store.claim(team, 'a.example.com', a, t0);
      expect(await store.takeOver(team, 'a.example.com', c, b, t1)).toBe(false);
      expect(await store.takeOver(team, 'a.example.com', a, b, t1)).toBe(true);
      expect(await store.claim(team, 'a.example.com', c, t1)).toEqual({ idp: b, claimedAt: t1 });
      expect(await store.takeOver(team, 'a.example.com', a, c, t1)).toBe(false);
      expect(await store.takeOver(team, 'free.example.com', a, c, t1)).toBe(false);
    });

    it('releases only for the holder', async () => {
      const store = make();
      const team = newTeamId();
      const [a, b] = [newIdpId(), newIdpId()];
      await store.claim(team, 'a.example.com', a, t0);
      await store.release(team, 'a.example.com', b);
      expect(await store.claim(team, 'a.example.com', b, t1)).toEqual({ idp: a, claimedAt: t0 });
      await store.release(team, 'a.example.com', a);
      expect(await store.claim(team, 'a.example.com', b, t1)).toBeNull();
    });

    it('lets exactly one of concurrent claims win', async () => {
      const store = make();
      const team = newTeamId();
      const ids = Array.from({ length: 8 }, () => newIdpId());
      const results = await Promise.all(ids.map((id) => store.claim(team, 'race.example.com', id, t0)));
      const winners = ids.filter((_, i) => results[i] === null);
      expect(winners).toHaveLength(1);
      for (const r of results) if (r) expect(r.idp).toBe(winners[0]);
    });
  });
}
