import { describe, expect, it } from 'vitest';
import { FakeClock, type TeamId, newTeamId } from '@sso/domain';
import { MemoryTeamStore } from './memory/team-store';
import type { TeamStore } from './ports/identity-stores';
import { TeamFeatureCache } from './team-feature-cache';
import { countingCalls } from './testing/fixtures';

/** The memory store, counting the feature reads that reach it. */
function counted(): { store: TeamStore; reads: () => number } {
  const { store, calls } = countingCalls<TeamStore>(new MemoryTeamStore(), ['validateSamlEmailsStatus']);
  return { store, reads: calls };
}

describe('TeamFeatureCache', () => {
  it('serves validateSAMLemails from memory for the TTL, absent rows included, then reads again', async () => {
    const clock = new FakeClock(new Date('2026-12-04T00:00:00Z'));
    const { store, reads } = counted();
    const cache = new TeamFeatureCache(store, clock, 5);
    const [on, unset] = [newTeamId(), newTeamId()];
    await store.setValidateSamlEmailsStatus(on, 'enabled');
    for (let i = 0; i < 3; i++) {
      expect(await cache.forLookups.validateSamlEmailsStatus(on)).toBe('enabled');
      expect(await cache.forLookups.validateSamlEmailsStatus(unset)).toBeNull();
    }
    expect(reads()).toBe(2);
    // Flipped by another instance: this one sees it once the bound has passed, not before.
    await store.setValidateSamlEmailsStatus(on, 'disabled');
    clock.advance(4_999);
    expect(await cache.forLookups.validateSamlEmailsStatus(on)).toBe('enabled');
    clock.advance(1);
    expect(await cache.forLookups.validateSamlEmailsStatus(on)).toBe('disabled');
    expect(reads()).toBe(3);
  });

  it('forgets everything on a feature write or a team delete through it; its own reads stay fresh', async () => {
    const { store, reads } = counted();
    const cache = new TeamFeatureCache(store, new FakeClock(), 3600);
    const team = newTeamId();
    expect(await cache.forLookups.validateSamlEmailsStatus(team)).toBeNull();
    await cache.teams.setValidateSamlEmailsStatus(team, 'enabled');
    expect(await cache.forLookups.validateSamlEmailsStatus(team)).toBe('enabled');
    await store.setValidateSamlEmailsStatus(team, 'disabled'); // elsewhere
    expect(await cache.teams.validateSamlEmailsStatus(team)).toBe('disabled');
    expect(await cache.forLookups.validateSamlEmailsStatus(team)).toBe('enabled');
    await cache.teams.deleteTeam(team);
    expect(await cache.forLookups.validateSamlEmailsStatus(team)).toBe('disabled');
    expect(reads()).toBe(4);
  });

  it('does not keep a status read while a write was in flight', async () => {
    const inner = new MemoryTeamStore();
    const team = newTeamId();
    await inner.setValidateSamlEmailsStatus(team, 'disabled');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The read returns the old status only after the write has completed.
    const slow: TeamStore = Object.assign(Object.create(inner) as TeamStore, {
      validateSamlEmailsStatus: async (t: TeamId) => {
        const v = await inner.validateSamlEmailsStatus(t);
        await gate;
        return v;
      },
    });
    const cache = new TeamFeatureCache(slow, new FakeClock(), 3600);
    const read = cache.forLookups.validateSamlEmailsStatus(team);
    await cache.teams.setValidateSamlEmailsStatus(team, 'enabled');
    release();
    expect(await read).toBe('disabled');
    expect(await cache.forLookups.validateSamlEmailsStatus(team)).toBe('enabled');
  });

  it('passes every other TeamStore method through unchanged', async () => {
    const { store } = counted();
    const cache = new TeamFeatureCache(store, new FakeClock(), 5);
    const team = newTeamId();
    await cache.teams.setSsoStatus(team, 'enabled');
    expect(await cache.teams.ssoStatus(team)).toBe('enabled');
    expect(await store.ssoStatus(team)).toBe('enabled');
  });
});
