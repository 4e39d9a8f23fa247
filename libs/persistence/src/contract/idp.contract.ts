import { type IdpId, newIdpId, newTeamId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { compareUuid } from '../memory/ordering';
import type { ContractEnv, GetEnv } from './env.contract';
import { concurrently, idpFixture, issuerUrl, keyInfo } from './env.contract';

/** Two IdPs, in two fresh teams, with one fresh issuer: stored. */
async function sameIssuerInTwoTeams(stores: ContractEnv['stores']) {
  const issuer = issuerUrl();
  const a = idpFixture({ issuer });
  const b = idpFixture({ issuer });
  await stores.idps.insert(a);
  await stores.idps.insert(b);
  return { issuer, a, b };
}

export function idpContract(env: GetEnv): void {
  describe('IdpStore (idp, issuer_idp_v2, issuer_idp, team_idp, idp_raw_metadata)', () => {
    it('round-trips a full record and a minimal legacy-shaped one', async () => {
      const { stores } = env();
      const full = idpFixture({
        certs: [keyInfo('a'), keyInfo('b'), keyInfo('c')],
        apiVersion: 1,
        oldIssuers: ['https://old.example.com/2', 'https://old.example.com/1'],
        replacedBy: newIdpId(),
        handle: 'Okta',
        domain: 'wire.example.com',
      });
      const minimal = idpFixture({ apiVersion: null, handle: null });
      await stores.idps.insert(full);
      await stores.idps.insert(minimal);
      expect(await stores.idps.get(full.id)).toEqual(full);
      expect(await stores.idps.get(minimal.id)).toEqual(minimal);
      expect(await stores.idps.get(newIdpId())).toBeNull();
    });

    it('insert writes the issuer and team lookups with the record', async () => {
      const { stores } = env();
      const idp = idpFixture();
      await stores.idps.insert(idp);
      expect(await stores.idps.getByIssuerAndTeam(idp.issuer, idp.team)).toEqual(idp);
      expect(await stores.idps.getByIssuerAndTeam(idp.issuer, newTeamId())).toBeNull();
      expect(await stores.idps.findByIssuer(idp.issuer)).toEqual([idp]);
      expect(await stores.idps.listByTeam(idp.team)).toEqual([idp]);
      expect(await stores.idps.findByIssuer(issuerUrl())).toEqual([]);
    });

    it('refuses a record without certificates', async () => {
      const { stores } = env();
      await expect(stores.idps.insert(idpFixture({ certs: [] }))).rejects.toThrow(RangeError);
    });

    it('v1 lookup finds the issuer in every team (team order), then the legacy row, without duplicates or dangling ids', async () => {
      const { stores, legacy } = env();
      const { issuer, a, b } = await sameIssuerInTwoTeams(stores);
      const [first, second] = compareUuid(a.team, b.team) < 0 ? [a, b] : [b, a];
      expect(await stores.idps.findByIssuer(issuer)).toEqual([first, second]);

      await legacy.issuer(issuer, a.id); // the same IdP through the legacy table: listed once
      expect(await stores.idps.findByIssuer(issuer)).toEqual([first, second]);

      const old = idpFixture({ apiVersion: null });
      await stores.idps.insert(old);
      const legacyOnly = issuerUrl();
      await legacy.issuer(legacyOnly, old.id);
      expect(await stores.idps.findByIssuer(legacyOnly)).toEqual([old]);

      const dangling = issuerUrl();
      await legacy.issuer(dangling, newIdpId());
      expect(await stores.idps.findByIssuer(dangling)).toEqual([]);
    });

    it("lists a team's IdPs in uuid clustering order and no other team's", async () => {
      const { stores } = env();
      const team = newTeamId();
      const idps = Array.from({ length: 6 }, () => idpFixture({ team }));
      for (const idp of idps) await stores.idps.insert(idp);
      await stores.idps.insert(idpFixture());
      const listed = await stores.idps.listByTeam(team);
      expect(listed.map((i) => i.id)).toEqual(idps.map((i) => i.id).sort(compareUuid));
      expect(await stores.idps.listByTeam(newTeamId())).toEqual([]);
    });

    it('update overwrites every column, nulls and shorter lists included, and maps the new issuer', async () => {
      const { stores } = env();
      const idp = idpFixture({ certs: [keyInfo(1), keyInfo(2)], domain: 'a.example.com', oldIssuers: ['x'] });
      await stores.idps.insert(idp);
      const changed = { ...idp, issuer: issuerUrl(), certs: [keyInfo(3)], domain: null, oldIssuers: [idp.issuer], handle: 'renamed' };
      await stores.idps.update(changed);
      expect(await stores.idps.get(idp.id)).toEqual(changed);
      expect(await stores.idps.getByIssuerAndTeam(changed.issuer, idp.team)).toEqual(changed);
      // The old issuer's mapping stays until the caller removes it.
      expect((await stores.idps.findByIssuer(idp.issuer)).map((i) => i.id)).toEqual([idp.id]);
      await stores.idps.deleteIssuerMapping(idp.issuer, idp.team);
      expect(await stores.idps.findByIssuer(idp.issuer)).toEqual([]);
      expect(await stores.idps.listByTeam(idp.team)).toEqual([changed]);
    });

    it('sets and clears replaced_by; on a missing IdP it creates nothing visible', async () => {
      const { stores } = env();
      const idp = idpFixture();
      await stores.idps.insert(idp);
      const successor = newIdpId();
      await stores.idps.setReplacedBy(idp.id, successor);
      expect((await stores.idps.get(idp.id))?.replacedBy).toBe(successor);
      await stores.idps.setReplacedBy(idp.id, null);
      expect((await stores.idps.get(idp.id))?.replacedBy).toBeNull();
      const ghost = newIdpId();
      await stores.idps.setReplacedBy(ghost, successor);
      expect(await stores.idps.get(ghost)).toBeNull();
    });

    it("deleteIssuerMapping removes one team's mappings and leaves other teams' alone", async () => {
      const { stores, legacy } = env();
      const { issuer, a, b } = await sameIssuerInTwoTeams(stores);
      await legacy.issuer(issuer, b.id);
      await stores.idps.deleteIssuerMapping(issuer, a.team);
      expect(await stores.idps.getByIssuerAndTeam(issuer, a.team)).toBeNull();
      expect(await stores.idps.findByIssuer(issuer)).toEqual([b]); // b's v2 and legacy rows survive
      await stores.idps.deleteIssuerMapping(issuer, b.team);
      expect(await stores.idps.findByIssuer(issuer)).toEqual([]);
      expect(await stores.idps.get(a.id)).toEqual(a); // records are untouched
    });

    it('delete removes the record and every row pointing to it, and nothing of other teams', async () => {
      const { stores, legacy } = env();
      const issuer = issuerUrl();
      const mine = idpFixture({ issuer });
      const theirs = idpFixture({ issuer });
      const sibling = idpFixture({ team: mine.team });
      for (const i of [mine, theirs, sibling]) await stores.idps.insert(i);
      await legacy.issuer(issuer, mine.id);
      await stores.defaultIdp.set(mine.id);

      expect(await stores.idps.delete(mine.id)).toBe(true);
      expect(await stores.idps.get(mine.id)).toBeNull();
      expect(await stores.idps.getByIssuerAndTeam(issuer, mine.team)).toBeNull();
      expect(await stores.idps.findByIssuer(issuer)).toEqual([theirs]);
      expect(await stores.idps.listByTeam(mine.team)).toEqual([sibling]);
      expect(await stores.defaultIdp.get()).toBeNull();
      expect(await stores.idps.listByTeam(theirs.team)).toEqual([theirs]);
      expect(await stores.idps.delete(mine.id)).toBe(false);
    });

    it('claims an issuer in a team once: the owner may claim again, others may not; release frees only its own claim', async () => {
      const { stores } = env();
      const team = newTeamId();
      const issuer = issuerUrl();
      const [a, b] = [newIdpId(), newIdpId()];
      expect(await stores.idps.claimIssuer(issuer, team, a)).toBe(true);
      expect(await stores.idps.claimIssuer(issuer, team, a)).toBe(true);
      expect(await stores.idps.claimIssuer(issuer, team, b)).toBe(false);
      expect(await stores.idps.claimIssuer(issuer, newTeamId(), b)).toBe(true);
      await stores.idps.releaseIssuer(issuer, team, b);
      expect(await stores.idps.claimIssuer(issuer, team, b)).toBe(false);
      await stores.idps.releaseIssuer(issuer, team, a);
      expect(await stores.idps.claimIssuer(issuer, team, b)).toBe(true);
    });

    it('of 10 concurrent claims of one issuer in one team exactly one wins', async () => {
      const { stores } = env();
      const team = newTeamId();
      const issuer = issuerUrl();
      const results = await concurrently(10, () => stores.idps.claimIssuer(issuer, team, newIdpId()));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('claims a v1 issuer once on the whole instance; release frees only its own claim; delete releases it', async () => {
      const { stores } = env();
      const issuer = issuerUrl();
      const winner = idpFixture({ issuer, apiVersion: 1 });
      const other = newIdpId();
      expect(await stores.idps.claimV1Issuer(issuer, winner.id)).toBe(true);
      expect(await stores.idps.claimV1Issuer(issuer, winner.id)).toBe(true);
      // A fresh claim whose IdP row is not written yet is a create in flight: it holds.
      expect(await stores.idps.claimV1Issuer(issuer, other)).toBe(false);
      await stores.idps.releaseV1Issuer(issuer, other);
      expect(await stores.idps.claimV1Issuer(issuer, other)).toBe(false);
      await stores.idps.insert(winner);
      expect(await stores.idps.claimV1Issuer(issuer, other)).toBe(false);
      expect((await stores.idps.findByIssuer(issuer)).map((i) => i.id)).toEqual([winner.id]);
      expect(await stores.idps.delete(winner.id)).toBe(true);
      expect(await stores.idps.claimV1Issuer(issuer, other)).toBe(true);
    });

    it('takes over a v1 claim left by an IdP that no longer exists (a legacy row)', async () => {
      const { stores, legacy } = env();
      const issuer = issuerUrl();
      await legacy.issuer(issuer, newIdpId());
      const fresh = newIdpId();
      expect(await stores.idps.claimV1Issuer(issuer, fresh)).toBe(true);
      expect(await stores.idps.claimV1Issuer(issuer, newIdpId())).toBe(false);
    });

    it('of 10 concurrent v1 claims of one issuer exactly one wins', async () => {
      const { stores } = env();
      const issuer = issuerUrl();
      const results = await concurrently(10, () => stores.idps.claimV1Issuer(issuer, newIdpId()));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('delete keeps lookup rows that another IdP has taken over', async () => {
      const { stores, legacy } = env();
      const team = newTeamId();
      const issuer = issuerUrl();
      const old = idpFixture({ team, issuer });
      await stores.idps.insert(old);
      const successor = idpFixture({ team, issuer, oldIssuers: [issuer] });
      await stores.idps.insert(successor); // now issuer_idp_v2(issuer, team) -> successor
      await legacy.issuer(issuer, successor.id);
      expect(await stores.idps.delete(old.id)).toBe(true);
      expect(await stores.idps.getByIssuerAndTeam(issuer, team)).toEqual(successor);
      expect(await stores.idps.findByIssuer(issuer)).toEqual([successor]);
    });

    it('stores, replaces and deletes raw metadata', async () => {
      const { stores } = env();
      const id: IdpId = newIdpId();
      expect(await stores.idps.getRawMetadata(id)).toBeNull();
      await stores.idps.putRawMetadata(id, '<EntityDescriptor entityID="a"/>');
      await stores.idps.putRawMetadata(id, '<EntityDescriptor entityID="b"/>');
      expect(await stores.idps.getRawMetadata(id)).toBe('<EntityDescriptor entityID="b"/>');
      await stores.idps.deleteRawMetadata(id);
      expect(await stores.idps.getRawMetadata(id)).toBeNull();
    });
  });

  describe('DefaultIdpStore (default_idp)', () => {
    it('set replaces the previous default, even a lower id; null clears it', async () => {
      const { stores } = env();
      const [low, high] = [newIdpId(), newIdpId()].sort(compareUuid) as [IdpId, IdpId];
      await stores.defaultIdp.set(low);
      expect(await stores.defaultIdp.get()).toBe(low);
      await stores.defaultIdp.set(high);
      expect(await stores.defaultIdp.get()).toBe(high);
      await stores.defaultIdp.set(high);
      expect(await stores.defaultIdp.get()).toBe(high);
      await stores.defaultIdp.set(null);
      expect(await stores.defaultIdp.get()).toBeNull();
    });
  });
}
