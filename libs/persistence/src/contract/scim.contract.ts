import { randomUUID } from 'node:crypto';
import { newIdpId, newTeamId, newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { compareText, compareUuid } from '../memory/ordering';
import type { GetEnv } from './env.contract';
import { awkwardNames, concurrently, inChunks, tokenFixture } from './env.contract';
import { allPages } from './saml-user.contract';

export function scimExternalContract(env: GetEnv): void {
  describe('ScimExternalStore (scim_external)', () => {
    it('claims an externalId as Creating, marks it Created, and reports the owner to others', async () => {
      const { stores } = env();
      const team = newTeamId();
      const [alice, bob] = [newUserId(), newUserId()];
      expect(await stores.scimExternal.claim(team, 'ext-1', alice)).toEqual({
        ok: true,
        record: { team, externalId: 'ext-1', uid: alice, status: 'creating' },
      });
      expect(await stores.scimExternal.markCreated(team, 'ext-1', bob)).toBe(false);
      expect(await stores.scimExternal.markCreated(team, 'ext-1', alice)).toBe(true);
      const owner = { team, externalId: 'ext-1', uid: alice, status: 'created' };
      expect(await stores.scimExternal.get(team, 'ext-1')).toEqual(owner);
      expect(await stores.scimExternal.claim(team, 'ext-1', bob)).toEqual({ ok: false, owner });
      expect(await stores.scimExternal.claim(team, 'ext-1', alice)).toEqual({ ok: true, record: owner }); // a retry
      expect(await stores.scimExternal.markCreated(team, 'nobody', alice)).toBe(false);
      expect(await stores.scimExternal.get(team, 'nobody')).toBeNull();
    });

    it('of 20 concurrent claims of one externalId exactly one wins, and every loser sees the winner', async () => {
      const { stores } = env();
      const team = newTeamId();
      const uids = Array.from({ length: 20 }, () => newUserId());
      const results = await concurrently(20, (i) => stores.scimExternal.claim(team, 'contested', uids[i]!));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.ok ? winners[0]!.record.uid : null;
      for (const r of results) if (!r.ok) expect(r.owner.uid).toBe(winner);
      expect((await stores.scimExternal.get(team, 'contested'))?.uid).toBe(winner);
    });

    it("of concurrent claims and marks across 30 of one team's externalIds, each row keeps exactly its one winner", async () => {
      const { stores } = env();
      const team = newTeamId();
      const keys = Array.from({ length: 30 }, (_, k) => `many-${k}`);
      const rivals = keys.map(() => [newUserId(), newUserId(), newUserId()]);
      const claims = await Promise.all(keys.flatMap((e, k) => rivals[k]!.map((u) => stores.scimExternal.claim(team, e, u))));
      const winners = keys.map((_, k) => {
        const won = claims.slice(3 * k, 3 * k + 3).filter((c) => c.ok);
        expect(won).toHaveLength(1);
        return won[0]!.ok ? won[0]!.record.uid : null;
      });
      const marks = await Promise.all(keys.flatMap((e, k) => rivals[k]!.map((u) => stores.scimExternal.markCreated(team, e, u))));
      for (const [k, e] of keys.entries()) {
        expect(marks.slice(3 * k, 3 * k + 3)).toEqual(rivals[k]!.map((u) => u === winners[k]));
        expect(await stores.scimExternal.get(team, e)).toEqual({ team, externalId: e, uid: winners[k], status: 'created' });
      }
    });

    it('releases only for the owner; afterwards another user can claim', async () => {
      const { stores } = env();
      const team = newTeamId();
      const [alice, bob] = [newUserId(), newUserId()];
      await stores.scimExternal.claim(team, 'ext', alice);
      expect(await stores.scimExternal.release(team, 'ext', bob)).toBe(false);
      expect((await stores.scimExternal.get(team, 'ext'))?.uid).toBe(alice);
      expect(await stores.scimExternal.release(team, 'ext', alice)).toBe(true);
      expect(await stores.scimExternal.get(team, 'ext')).toBeNull();
      expect(await stores.scimExternal.release(team, 'ext', alice)).toBe(false);
      expect((await stores.scimExternal.claim(team, 'ext', bob)).ok).toBe(true);
    });

    it('keeps teams apart', async () => {
      const { stores } = env();
      const [t1, t2] = [newTeamId(), newTeamId()];
      const [u1, u2] = [newUserId(), newUserId()];
      expect((await stores.scimExternal.claim(t1, 'same', u1)).ok).toBe(true);
      expect((await stores.scimExternal.claim(t2, 'same', u2)).ok).toBe(true);
      expect(await stores.scimExternal.release(t2, 'same', u1)).toBe(false);
      expect((await stores.scimExternal.get(t1, 'same'))?.uid).toBe(u1);
      expect((await stores.scimExternal.get(t2, 'same'))?.uid).toBe(u2);
    });

    it("pages a team's 250 externalIds by 100 in UTF-8 clustering order", async () => {
      const { stores } = env();
      const team = newTeamId();
      const ids = awkwardNames(250, 'e');
      await inChunks(ids, (e) => stores.scimExternal.claim(team, e, newUserId()));
      await stores.scimExternal.markCreated(team, ids[0]!, (await stores.scimExternal.get(team, ids[0]!))!.uid);
      await stores.scimExternal.claim(newTeamId(), 'elsewhere', newUserId());
      const { items, sizes } = await allPages((cursor) => stores.scimExternal.listByTeam(team, { limit: 100, cursor }));
      expect(sizes).toEqual([100, 100, 50]);
      expect(items.map((r) => r.externalId)).toEqual([...ids].sort(compareText));
      expect(items.filter((r) => r.status === 'created').map((r) => r.externalId)).toEqual([ids[0]]);
      expect(items.every((r) => r.team === team)).toBe(true);
    });
  });
}

export function scimUserTimesContract(env: GetEnv): void {
  describe('ScimUserTimesStore (scim_user_times)', () => {
    it('puts, touches, reads (millisecond precision) and deletes', async () => {
      const { stores } = env();
      const uid = newUserId();
      const createdAt = new Date(Date.UTC(2024, 5, 1, 8, 30, 15, 250));
      await stores.scimUserTimes.put({ uid, createdAt, lastUpdatedAt: createdAt });
      expect(await stores.scimUserTimes.get(uid)).toEqual({ uid, createdAt, lastUpdatedAt: createdAt });
      const later = new Date(createdAt.getTime() + 86_400_123);
      await stores.scimUserTimes.touch(uid, later);
      expect(await stores.scimUserTimes.get(uid)).toEqual({ uid, createdAt, lastUpdatedAt: later });
      await stores.scimUserTimes.delete(uid);
      expect(await stores.scimUserTimes.get(uid)).toBeNull();
    });

    it('puts the times and a SAML identity in one call; both are undone by their own deletes', async () => {
      const { stores } = env();
      const uid = newUserId();
      const createdAt = new Date(Date.UTC(2024, 5, 1, 8, 30, 15, 250));
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const saml = { issuer, normalizedNameId: 'alice@example.com', ssoId: '<NameID>alice@example.com</NameID>', uid };
      await stores.scimUserTimes.putWithSamlUser({ uid, createdAt, lastUpdatedAt: createdAt }, saml);
      expect(await stores.scimUserTimes.get(uid)).toEqual({ uid, createdAt, lastUpdatedAt: createdAt });
      expect(await stores.samlUsers.get(issuer, 'alice@example.com')).toEqual(saml);
      await stores.scimUserTimes.delete(uid);
      await stores.samlUsers.delete(issuer, 'alice@example.com');
      expect(await stores.scimUserTimes.get(uid)).toBeNull();
      expect(await stores.samlUsers.get(issuer, 'alice@example.com')).toBeNull();
    });

    it('puts a SAML identity too large for a batch as well', async () => {
      const { stores } = env();
      const uid = newUserId();
      const at = new Date(Date.UTC(2024, 5, 1));
      const issuer = `https://idp.example.com/${randomUUID()}`;
      const long = `${'x'.repeat(3000)}@example.com`;
      const saml = { issuer, normalizedNameId: long, ssoId: `<NameID>${long}</NameID>`, uid };
      await stores.scimUserTimes.putWithSamlUser({ uid, createdAt: at, lastUpdatedAt: at }, saml);
      expect(await stores.scimUserTimes.get(uid)).toEqual({ uid, createdAt: at, lastUpdatedAt: at });
      expect(await stores.samlUsers.get(issuer, long)).toEqual(saml);
    });

    it('touching a uid without times creates no record', async () => {
      const { stores } = env();
      const uid = newUserId();
      await stores.scimUserTimes.touch(uid, new Date());
      expect(await stores.scimUserTimes.get(uid)).toBeNull();
      expect((await stores.scimUserTimes.getMany([uid])).size).toBe(0);
    });

    it('reads many uids at once (more than one IN batch), skipping unknown ones', async () => {
      const { stores } = env();
      const at = new Date(Date.UTC(2024, 0, 2));
      const known = Array.from({ length: 150 }, () => newUserId());
      await inChunks(known, (uid) => stores.scimUserTimes.put({ uid, createdAt: at, lastUpdatedAt: at }));
      const got = await stores.scimUserTimes.getMany([...known, newUserId()]);
      expect(got.size).toBe(150);
      expect(got.get(known[149]!)).toEqual({ uid: known[149], createdAt: at, lastUpdatedAt: at });
      expect((await stores.scimUserTimes.getMany([])).size).toBe(0);
    });
  });
}

export function scimTokenContract(env: GetEnv): void {
  describe('ScimTokenStore (team_provisioning_by_token, team_provisioning_by_team)', () => {
    it('stores a token in both tables and finds it by hash, also when a plaintext candidate is given', async () => {
      const { stores } = env();
      const team = newTeamId();
      const rec = tokenFixture(team, { idp: newIdpId(), name: null });
      await stores.scimTokens.insert(rec);
      expect(await stores.scimTokens.get(team, rec.id)).toEqual(rec);
      expect(await stores.scimTokens.lookup(rec.tokenKey, 'the-plaintext')).toEqual(rec);
      expect(await stores.scimTokens.lookup('sha512:unknown', 'unknown')).toBeNull();
      expect(await stores.scimTokens.get(newTeamId(), rec.id)).toBeNull();
    });

    it('lists by created_at (ties in id clustering order) and counts', async () => {
      const { stores } = env();
      const team = newTeamId();
      const t = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms);
      const recs = [
        tokenFixture(team, { createdAt: t(3000) }),
        tokenFixture(team, { createdAt: t(1000) }),
        tokenFixture(team, { createdAt: t(2000) }),
        tokenFixture(team, { createdAt: t(2000) }),
      ];
      for (const r of recs) await stores.scimTokens.insert(r);
      await stores.scimTokens.insert(tokenFixture(newTeamId()));
      const ties = [recs[2]!, recs[3]!].sort((a, b) => compareUuid(a.id, b.id));
      expect(await stores.scimTokens.listByTeam(team)).toEqual([recs[1], ...ties, recs[0]]);
      expect(await stores.scimTokens.countByTeam(team)).toBe(4);
      expect(await stores.scimTokens.countByTeam(newTeamId())).toBe(0);
    });

    it('renames an existing token in both tables; renaming a missing one writes nothing', async () => {
      const { stores } = env();
      const team = newTeamId();
      const rec = tokenFixture(team);
      await stores.scimTokens.insert(rec);
      expect(await stores.scimTokens.rename(team, rec.id, 'Entra ID')).toBe(true);
      expect((await stores.scimTokens.get(team, rec.id))?.name).toBe('Entra ID');
      expect((await stores.scimTokens.lookup(rec.tokenKey, 'x'))?.name).toBe('Entra ID');
      const missing = randomUUID() as typeof rec.id;
      expect(await stores.scimTokens.rename(team, missing, 'ghost')).toBe(false);
      expect(await stores.scimTokens.get(team, missing)).toBeNull();
      expect(await stores.scimTokens.countByTeam(team)).toBe(1);
    });

    it('deletes a token and its lookup row; a second delete reports false', async () => {
      const { stores } = env();
      const team = newTeamId();
      const [a, b] = [tokenFixture(team), tokenFixture(team)];
      await stores.scimTokens.insert(a);
      await stores.scimTokens.insert(b);
      expect(await stores.scimTokens.delete(team, a.id)).toBe(true);
      expect(await stores.scimTokens.get(team, a.id)).toBeNull();
      expect(await stores.scimTokens.lookup(a.tokenKey, 'x')).toBeNull();
      expect(await stores.scimTokens.delete(team, a.id)).toBe(false);
      expect(await stores.scimTokens.listByTeam(team)).toEqual([b]);
      expect(await stores.scimTokens.delete(newTeamId(), b.id)).toBe(false); // another team cannot delete it
      expect(await stores.scimTokens.lookup(b.tokenKey, 'x')).toEqual(b);
    });

    it("deletes all of a team's tokens, or those bound to one IdP, and nothing of other teams", async () => {
      const { stores } = env();
      const [team, other] = [newTeamId(), newTeamId()];
      const idp = newIdpId();
      const bound = [tokenFixture(team, { idp }), tokenFixture(team, { idp })];
      const unbound = tokenFixture(team);
      const elsewhere = tokenFixture(team, { idp: newIdpId() });
      const otherTeamSameIdp = tokenFixture(other, { idp });
      for (const r of [...bound, unbound, elsewhere, otherTeamSameIdp]) await stores.scimTokens.insert(r);

      expect(await stores.scimTokens.deleteAllByTeamAndIdp(team, idp)).toBe(2);
      for (const r of bound) expect(await stores.scimTokens.lookup(r.tokenKey, 'x')).toBeNull();
      expect((await stores.scimTokens.listByTeam(team)).map((r) => r.id).sort()).toEqual([unbound.id, elsewhere.id].sort());
      expect(await stores.scimTokens.deleteAllByTeamAndIdp(team, idp)).toBe(0);

      expect(await stores.scimTokens.deleteAllByTeam(team)).toBe(2);
      expect(await stores.scimTokens.listByTeam(team)).toEqual([]);
      expect(await stores.scimTokens.lookup(unbound.tokenKey, 'x')).toBeNull();
      expect(await stores.scimTokens.listByTeam(other)).toEqual([otherTeamSameIdp]);
      expect(await stores.scimTokens.lookup(otherTeamSameIdp.tokenKey, 'x')).toEqual(otherTeamSameIdp);
    });

    it('finds a legacy plaintext row and rehashes it under its hash, dropping the plaintext key', async () => {
      const { stores, legacy } = env();
      const team = newTeamId();
      const plaintext = Buffer.from(randomUUID()).toString('base64');
      const hash = `sha512:${Buffer.from(plaintext).toString('hex')}`;
      const old = tokenFixture(team, { tokenKey: plaintext, name: null });
      await legacy.plaintextToken(old);
      expect(await stores.scimTokens.lookup(hash, plaintext)).toEqual(old);

      const rehashed = { ...old, tokenKey: hash };
      expect(await stores.scimTokens.rehash(plaintext, hash)).toEqual(rehashed);
      expect(await stores.scimTokens.lookup(hash, plaintext)).toEqual(rehashed);
      expect(await stores.scimTokens.lookup('sha512:other', plaintext)).toBeNull();
      expect(await stores.scimTokens.get(team, old.id)).toEqual(rehashed);
      expect(await stores.scimTokens.rehash(plaintext, hash)).toBeNull();
      expect(await stores.scimTokens.delete(team, old.id)).toBe(true);
      expect(await stores.scimTokens.lookup(hash, plaintext)).toBeNull();
    });
  });
}
