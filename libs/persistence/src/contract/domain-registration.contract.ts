import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newIdpId, teamId } from '@sso/domain';
import type { DomainRegistrationStore } from '../ports/domain-registration-store';

const team = () => teamId(randomUUID());
const domain = () => `d${randomUUID().slice(0, 8)}.example.com`;

export function domainRegistrationContract(label: string, make: () => DomainRegistrationStore): void {
  describe(`DomainRegistrationStore (domain_registration, domain_challenge, team_domain): ${label}`, () => {
    it('keeps a challenge per team and domain until its TTL', async () => {
      const store = make();
      const [a, b, d] = [team(), team(), domain()];
      const created = new Date('2026-12-04T10:00:00.000Z');
      await store.putChallenge(a, d, { token: 'tok-a', created }, 3600);
      expect(await store.getChallenge(a, d)).toEqual({ token: 'tok-a', created });
      expect(await store.getChallenge(b, d)).toBeNull();
      await store.putChallenge(a, d, { token: 'tok-a2', created }, 3600);
      expect((await store.getChallenge(a, d))?.token).toBe('tok-a2');
    });

    it('registers a domain for the first team only; the holder points it at an IdP, lists and releases it', async () => {
      const store = make();
      const [a, b, d] = [team(), team(), domain()];
      const at = new Date('2026-12-04T10:00:00.000Z');
      expect(await store.register({ domain: d, team: a, idp: null, verifiedAt: at })).toEqual({
        domain: d,
        team: a,
        idp: null,
        verifiedAt: at,
      });
      expect((await store.register({ domain: d, team: b, idp: null, verifiedAt: at })).team).toBe(a);
      expect((await store.register({ domain: d, team: a, idp: null, verifiedAt: at })).team).toBe(a); // a retry is ours
      const idp = newIdpId();
      expect(await store.setIdp(d, b, idp)).toBe(false);
      expect(await store.setIdp(d, a, idp)).toBe(true);
      expect(await store.get(d)).toEqual({ domain: d, team: a, idp, verifiedAt: at });
      expect((await store.listByTeam(a)).map((r) => r.domain)).toEqual([d]);
      expect(await store.listByTeam(b)).toEqual([]);
      expect(await store.release(d, b)).toBe(false);
      expect(await store.get(d)).not.toBeNull();
      expect(await store.release(d, a)).toBe(true);
      expect(await store.get(d)).toBeNull();
      expect(await store.listByTeam(a)).toEqual([]);
      expect((await store.register({ domain: d, team: b, idp: null, verifiedAt: at })).team).toBe(b);
    });

    it('of concurrent registrations of one domain, exactly one team wins, and all see the same winner', async () => {
      const store = make();
      const d = domain();
      const teams = Array.from({ length: 8 }, team);
      const results = await Promise.all(teams.map((t) => store.register({ domain: d, team: t, idp: null, verifiedAt: new Date() })));
      const winners = new Set(results.map((r) => r.team));
      expect(winners.size).toBe(1);
      expect((await store.get(d))?.team).toBe([...winners][0]);
      const listed = await Promise.all(teams.map((t) => store.listByTeam(t)));
      expect(listed.filter((l) => l.length > 0)).toHaveLength(1);
    });
  });
}
