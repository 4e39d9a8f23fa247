import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, newScimTokenId, newTeamId } from '@sso/domain';
import { memorySparStores } from './memory';
import { MemoryScimTokenLifecycleStore } from './memory/scim-token-lifecycle-store';
import type { ScimTokenRecord } from './ports/scim-token-store';
import { ScimTokenAuthCache } from './scim-token-auth-cache';

const key = () => `sha512:${randomBytes(64).toString('base64')}`;
const rec = (tokenKey = key()): ScimTokenRecord => ({
  team: newTeamId(),
  id: newScimTokenId(),
  tokenKey,
  createdAt: new Date(0),
  idp: null,
  description: 'd',
  name: 'n',
});

/** Two caches over one database: two processes (e.g. token-admin and a scim-api replica). */
function twoProcesses(ttl = 5, opts = {}) {
  const clock = new FakeClock();
  const spar = memorySparStores(clock);
  const lifecycle = new MemoryScimTokenLifecycleStore();
  let reads = 0;
  const lookup = spar.scimTokens.lookup.bind(spar.scimTokens);
  spar.scimTokens.lookup = (h, p) => {
    reads++;
    return lookup(h, p);
  };
  const scim = new ScimTokenAuthCache(spar.scimTokens, lifecycle, clock, ttl, opts);
  const admin = new ScimTokenAuthCache(spar.scimTokens, lifecycle, clock, ttl, opts);
  return { clock, scim, admin, reads: () => reads };
}

describe('ScimTokenAuthCache', () => {
  it('reads a token once per TTL, then again', async () => {
    const { clock, scim, admin, reads } = twoProcesses(5);
    const r = rec();
    await admin.tokens.insert(r);
    for (let i = 0; i < 10; i++) expect((await scim.forAuth.find(r.tokenKey, 'x'))?.token).toEqual(r);
    expect(reads()).toBe(1);
    clock.advance(4_999);
    await scim.forAuth.find(r.tokenKey, 'x');
    expect(reads()).toBe(1);
    clock.advance(1);
    await scim.forAuth.find(r.tokenKey, 'x');
    expect(reads()).toBe(2);
  });

  it('a token deleted by another process stops working within the TTL, and not before it is read again', async () => {
    const { clock, scim, admin } = twoProcesses(5);
    const r = rec();
    await admin.tokens.insert(r);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).not.toBeNull();
    await admin.tokens.delete(r.team, r.id);
    clock.advance(4_000);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).not.toBeNull(); // the stated bound, not better
    clock.advance(1_000);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).toBeNull();
  });

  it('a delete through the same process takes effect at once', async () => {
    const { scim } = twoProcesses(60);
    const r = rec();
    await scim.tokens.insert(r);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).not.toBeNull();
    await scim.tokens.delete(r.team, r.id);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).toBeNull();
  });

  it('an expiry written through the same process is seen at once; last_used writes keep the cache', async () => {
    const { scim, reads } = twoProcesses(60);
    const r = rec();
    await scim.tokens.insert(r);
    await scim.forAuth.find(r.tokenKey, 'x');
    await scim.lifecycle.touch(r.tokenKey, new Date(5));
    await scim.forAuth.find(r.tokenKey, 'x');
    expect(reads()).toBe(1);
    await scim.lifecycle.put({ tokenKey: r.tokenKey, team: r.team, id: r.id, expiresAt: new Date(7), rotatedFrom: null });
    expect((await scim.forAuth.find(r.tokenKey, 'x'))?.lifecycle?.expiresAt).toEqual(new Date(7));
  });

  it('remembers an unknown token for one second only, so a token created meanwhile is accepted soon', async () => {
    const { clock, scim, admin, reads } = twoProcesses(30);
    const r = rec();
    expect(await scim.forAuth.find(r.tokenKey, 'x')).toBeNull();
    await admin.tokens.insert(r); // another process, e.g. a row that reached this datacenter late
    expect(await scim.forAuth.find(r.tokenKey, 'x')).toBeNull();
    expect(reads()).toBe(1);
    clock.advance(1_000);
    expect(await scim.forAuth.find(r.tokenKey, 'x')).not.toBeNull();
  });

  it('keeps memory bounded under a flood of random tokens, without pushing out valid ones', async () => {
    const { scim, admin, reads } = twoProcesses(30, { maxEntries: 100 });
    const valid = rec();
    await admin.tokens.insert(valid);
    await scim.forAuth.find(valid.tokenKey, 'x');
    for (let i = 0; i < 1_000; i++) await scim.forAuth.find(key(), 'x');
    expect(scim.size).toEqual({ known: 1, unknown: 100 });
    const before = reads();
    expect(await scim.forAuth.find(valid.tokenKey, 'x')).not.toBeNull();
    expect(reads()).toBe(before);
  });

  it('holds at most maxEntries valid tokens, dropping the oldest', async () => {
    const { scim, admin } = twoProcesses(30, { maxEntries: 3 });
    const rs = [rec(), rec(), rec(), rec()];
    for (const r of rs) await admin.tokens.insert(r);
    for (const r of rs) await scim.forAuth.find(r.tokenKey, 'x');
    expect(scim.size.known).toBe(3);
  });

  it('shares one read between concurrent checks of a token, and does not keep a read that overlapped a write', async () => {
    const { scim, reads } = twoProcesses(30);
    const r = rec();
    await scim.tokens.insert(r);
    const all = await Promise.all(Array.from({ length: 20 }, () => scim.forAuth.find(r.tokenKey, 'x')));
    expect(all.every((e) => e?.token.id === r.id)).toBe(true);
    expect(reads()).toBe(1);
    // A read in flight while the token is deleted here: its (stale) answer is not kept.
    const stale = scim.forAuth.find(key(), 'x');
    await scim.tokens.delete(r.team, r.id);
    await stale;
    expect(await scim.forAuth.find(r.tokenKey, 'x')).toBeNull();
  });

  it('does not keep a legacy (plaintext) row: it is rehashed and read again', async () => {
    const { scim, reads } = twoProcesses(30);
    const plaintext = 'legacy-token-plaintext-value';
    const r = rec(plaintext);
    await scim.tokens.insert(r);
    const h = key();
    expect((await scim.forAuth.find(h, plaintext))?.token.tokenKey).toBe(plaintext);
    await scim.forAuth.find(h, plaintext);
    expect(reads()).toBe(2);
  });
});
