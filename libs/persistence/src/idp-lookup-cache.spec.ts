import { describe, expect, it } from 'vitest';
import { FakeClock, type IdpId, type TeamId, newTeamId } from '@sso/domain';
import { IdpLookupCache } from './idp-lookup-cache';
import { MemoryIdpStore } from './memory/idp-store';
import type { IdpRecord, IdpStore } from './ports/idp-store';
import { countingCalls, testIdpRecord } from './testing/fixtures';

const idp = (team: TeamId, issuer?: string): IdpRecord => testIdpRecord(team, issuer);

/** The memory store, counting the reads that reach it. */
function counted(): { store: IdpStore; reads: () => number } {
  const { store, calls } = countingCalls<IdpStore>(new MemoryIdpStore(), ['get', 'getByIssuerAndTeam', 'findByIssuer']);
  return { store, reads: calls };
}

describe('IdpLookupCache', () => {
  it('serves repeated lookups from memory until the TTL ends', async () => {
    const clock = new FakeClock(new Date('2026-11-30T00:00:00Z'));
    const { store, reads } = counted();
    const cache = new IdpLookupCache(store, clock, 5);
    const team = newTeamId();
    const rec = idp(team);
    await store.insert(rec);
    for (let i = 0; i < 3; i++) {
      expect(await cache.forLogin.getByIssuerAndTeam(rec.issuer, team)).toEqual(rec);
      expect(await cache.forLogin.findByIssuer(rec.issuer)).toEqual([rec]);
      expect(await cache.forLogin.get(rec.id)).toEqual(rec);
    }
    expect(reads()).toBe(3);
    clock.advance(5_000);
    await cache.forLogin.getByIssuerAndTeam(rec.issuer, team);
    expect(reads()).toBe(4);
  });

  it('never keeps a miss: an IdP created elsewhere is found at once', async () => {
    const { store, reads } = counted();
    const cache = new IdpLookupCache(store, new FakeClock(), 5);
    const team = newTeamId();
    const rec = idp(team);
    expect(await cache.forLogin.getByIssuerAndTeam(rec.issuer, team)).toBeNull();
    expect(await cache.forLogin.findByIssuer(rec.issuer)).toEqual([]);
    expect(await cache.forLogin.get(rec.id)).toBeNull();
    await store.insert(rec);
    expect(await cache.forLogin.getByIssuerAndTeam(rec.issuer, team)).toEqual(rec);
    expect(await cache.forLogin.findByIssuer(rec.issuer)).toEqual([rec]);
    expect(await cache.forLogin.get(rec.id)).toEqual(rec);
    expect(reads()).toBe(6);
  });

  it('keeps its own reads fresh: management reads what it is about to write', async () => {
    const clock = new FakeClock();
    const { store, reads } = counted();
    const cache = new IdpLookupCache(store, clock, 3600);
    const team = newTeamId();
    const rec = idp(team);
    await store.insert(rec);
    expect(await cache.forLogin.get(rec.id)).toEqual(rec);
    await store.update({ ...rec, handle: 'changed elsewhere' });
    expect((await cache.forLogin.get(rec.id))?.handle).toBe('IdP 1');
    expect((await cache.get(rec.id))?.handle).toBe('changed elsewhere');
    expect((await cache.getByIssuerAndTeam(rec.issuer, team))?.handle).toBe('changed elsewhere');
    expect(await cache.findByIssuer(rec.issuer)).toEqual([{ ...rec, handle: 'changed elsewhere' }]);
    expect(reads()).toBe(4);
  });

  it('forgets everything on each write through it (update, replace, delete)', async () => {
    const { store } = counted();
    const cache = new IdpLookupCache(store, new FakeClock(), 3600);
    const team = newTeamId();
    const rec = idp(team);
    await cache.insert(rec);
    expect((await cache.forLogin.get(rec.id))?.certs).toEqual(['<ds:KeyInfo/>']);
    await cache.update({ ...rec, certs: ['<ds:KeyInfo>new</ds:KeyInfo>'] });
    expect((await cache.forLogin.getByIssuerAndTeam(rec.issuer, team))?.certs).toEqual(['<ds:KeyInfo>new</ds:KeyInfo>']);
    const next = idp(team, 'https://next.example.com');
    await cache.insert(next);
    await cache.setReplacedBy(rec.id, next.id);
    expect((await cache.forLogin.get(rec.id))?.replacedBy).toBe(next.id);
    expect(await cache.delete(rec.id)).toBe(true);
    expect(await cache.forLogin.get(rec.id as IdpId)).toBeNull();
    expect(await cache.forLogin.getByIssuerAndTeam(rec.issuer, team)).toBeNull();
  });

  it('does not keep a value read while a write was in flight', async () => {
    const inner = new MemoryIdpStore();
    const team = newTeamId();
    const rec = idp(team);
    await inner.insert(rec);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The read returns the old row only after the update has completed.
    const slow: IdpStore = Object.assign(Object.create(inner) as IdpStore, {
      getByIssuerAndTeam: async (i: string, t: TeamId) => {
        const v = await inner.getByIssuerAndTeam(i, t);
        await gate;
        return v;
      },
    });
    const cache = new IdpLookupCache(slow, new FakeClock(), 3600);
    const read = cache.forLogin.getByIssuerAndTeam(rec.issuer, team);
    await cache.update({ ...rec, handle: 'renamed' });
    release();
    expect((await read)?.handle).toBe('IdP 1');
    expect((await cache.forLogin.getByIssuerAndTeam(rec.issuer, team))?.handle).toBe('renamed');
  });
});
