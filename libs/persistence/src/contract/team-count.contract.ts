import { describe, expect, it } from 'vitest';
import { newTeamId } from '@sso/domain';
import type { PageCheckpointStore } from '../ports/page-checkpoint-store';
import type { TeamCountStore } from '../ports/team-count-store';

export interface CountStores {
  counts: TeamCountStore;
  checkpoints: PageCheckpointStore;
  /** Moves the store's clock (memory) or waits (Cassandra) so that `seconds` pass. */
  pass(seconds: number): Promise<void>;
}

export function teamCountContract(label: string, make: () => CountStores): void {
  describe(`TeamCountStore (scim_team_count): ${label}`, () => {
    const t0 = new Date('2026-12-04T10:00:00.000Z');
    const t1 = new Date('2026-12-04T10:05:00.000Z');

    it('starts at zero, never checked, without doubt; adds per team and kind', async () => {
      const { counts } = make();
      const [team, other] = [newTeamId(), newTeamId()];
      expect(await counts.get(team, 'users')).toEqual({ n: 0, checkedAt: null, doubtAt: null });
      await counts.add(team, 'users', 1);
      await counts.add(team, 'users', 1);
      await counts.add(team, 'users', -1);
      await counts.add(team, 'groups', 5);
      await counts.add(other, 'users', 7);
      expect((await counts.get(team, 'users')).n).toBe(1);
      expect((await counts.get(team, 'groups')).n).toBe(5);
      expect((await counts.get(other, 'users')).n).toBe(7);
      expect((await counts.get(other, 'groups')).n).toBe(0);
    });

    it('counts every one of many concurrent adds', async () => {
      const { counts } = make();
      const team = newTeamId();
      await Promise.all(Array.from({ length: 200 }, (_, i) => counts.add(team, 'users', i % 4 === 3 ? -1 : 1)));
      expect((await counts.get(team, 'users')).n).toBe(100);
    });

    it('records doubt, and a recount lease of which one holder at a time stamps checkedAt', async () => {
      const { counts } = make();
      const team = newTeamId();
      await counts.markDoubt(team, 'users', t0);
      await counts.markDoubt(team, 'users', t0); // idempotent
      expect(await counts.get(team, 'users')).toEqual({ n: 0, checkedAt: null, doubtAt: t0 });
      const wins = await Promise.all(['a', 'b', 'c', 'd'].map((l) => counts.takeLease(team, 'users', l, 60)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const holder = ['a', 'b', 'c', 'd'][wins.indexOf(true)]!;
      const loser = holder === 'a' ? 'b' : 'a';
      expect(await counts.finish(team, 'users', loser, t1)).toBe(false);
      await counts.dropLease(team, 'users', loser); // not the holder's: nothing happens
      expect(await counts.takeLease(team, 'users', loser, 60)).toBe(false);
      expect(await counts.finish(team, 'users', holder, t1)).toBe(true);
      expect(await counts.get(team, 'users')).toEqual({ n: 0, checkedAt: t1, doubtAt: t0 });
      // Free again; the other kind has a lease of its own.
      expect(await counts.takeLease(team, 'groups', 'x', 60)).toBe(true);
      expect(await counts.takeLease(team, 'users', 'y', 60)).toBe(true);
      await counts.dropLease(team, 'users', 'y');
      expect(await counts.takeLease(team, 'users', 'z', 60)).toBe(true);
      expect((await counts.get(team, 'users')).checkedAt).toEqual(t1);
    });

    it('lets a lease lapse after its TTL (a recount that died frees the team)', async () => {
      const s = make();
      const team = newTeamId();
      expect(await s.counts.takeLease(team, 'users', 'dead', 1)).toBe(true);
      expect(await s.counts.takeLease(team, 'users', 'next', 1)).toBe(false);
      await s.pass(2);
      expect(await s.counts.takeLease(team, 'users', 'next', 60)).toBe(true);
      expect(await s.counts.finish(team, 'users', 'dead', t1)).toBe(false);
    });
  });

  pageCheckpointContract(label, make);
}

/** The checkpoint half of the contract, also run against the Redis store (libs/platform). */
export function pageCheckpointContract(label: string, make: () => Pick<CountStores, 'checkpoints' | 'pass'>): void {
  describe(`PageCheckpointStore: ${label}`, () => {
    it('finds the nearest checkpoint at or below an index, per team and scope', async () => {
      const { checkpoints } = make();
      const [team, other] = [newTeamId(), newTeamId()];
      expect(await checkpoints.nearest(team, 'q1', 101)).toBeNull();
      await checkpoints.put(team, 'q1', { index: 101, cursor: 'c101' }, 60);
      await checkpoints.put(team, 'q1', { index: 201, cursor: 'c201' }, 60);
      await checkpoints.put(team, 'q2', { index: 150, cursor: 'other-query' }, 60);
      await checkpoints.put(other, 'q1', { index: 301, cursor: 'other-team' }, 60);
      expect(await checkpoints.nearest(team, 'q1', 101)).toEqual({ index: 101, cursor: 'c101' });
      expect(await checkpoints.nearest(team, 'q1', 200)).toEqual({ index: 101, cursor: 'c101' });
      expect(await checkpoints.nearest(team, 'q1', 5000)).toEqual({ index: 201, cursor: 'c201' });
      expect(await checkpoints.nearest(team, 'q1', 100)).toBeNull();
      expect(await checkpoints.nearest(team, 'q2', 5000)).toEqual({ index: 150, cursor: 'other-query' });
      expect(await checkpoints.nearest(team, 'q3', 5000)).toBeNull();
      expect(await checkpoints.nearest(other, 'q1', 300)).toBeNull();
      // Replaced in place (a page read again by another client of the same query).
      await checkpoints.put(team, 'q1', { index: 101, cursor: 'again' }, 60);
      expect(await checkpoints.nearest(team, 'q1', 150)).toEqual({ index: 101, cursor: 'again' });
    });

    it('forgets a checkpoint after its TTL', async () => {
      const s = make();
      const team = newTeamId();
      await s.checkpoints.put(team, 'q', { index: 11, cursor: 'short' }, 1);
      await s.checkpoints.put(team, 'q', { index: 1, cursor: 'long' }, 60);
      expect(await s.checkpoints.nearest(team, 'q', 20)).toEqual({ index: 11, cursor: 'short' });
      await s.pass(2);
      expect(await s.checkpoints.nearest(team, 'q', 20)).toEqual({ index: 1, cursor: 'long' });
    });
  });
}
