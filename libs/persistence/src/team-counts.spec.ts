import { describe, expect, it, vi } from 'vitest';
import { FakeClock, newTeamId } from '@sso/domain';
import { MemoryChangeStamps, STAMPED, StampWriter, stamped } from './change-stamps';
import { MemoryTeamCountStore } from './memory/team-count-store';
import type { TeamCountStore } from './ports/team-count-store';
import { TeamCounts } from './team-counts';

function setup(opts: { failAdds?: number } = {}) {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  const store = new MemoryTeamCountStore(clock);
  let failAdds = opts.failAdds ?? 0;
  // A counter update with an unknown outcome: applied, but the caller hears a timeout.
  const flaky: TeamCountStore = Object.assign(Object.create(store) as TeamCountStore, {
    add: async (...args: Parameters<TeamCountStore['add']>) => {
      await store.add(...args);
      if (failAdds > 0) {
        failAdds--;
        throw new Error('write timeout');
      }
    },
  });
  const counts = new TeamCounts(flaky, clock, {
    settleMs: 1000,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  });
  return { clock, store, counts, failNext: (n: number) => (failAdds = n) };
}

describe('TeamCounts', () => {
  it('walks until the team was recounted once, then answers the counter without walking', async () => {
    const { counts, store } = setup();
    const team = newTeamId();
    let walks = 0;
    let real = 7;
    const walk = async () => (walks++, real);
    // Users from before the count existed: the counter knows none of them.
    expect(await counts.total(team, 'users', walk)).toBe(7);
    await counts.settled();
    expect((await store.get(team, 'users')).n).toBe(7);
    expect(walks).toBe(1);
    await counts.changed(team, 'users', 1);
    real = 8;
    expect(await counts.total(team, 'users', walk)).toBe(8);
    expect(walks).toBe(1);
  });

  it('keeps counting the writes that land after the recount read the counter (the correction is a delta)', async () => {
    const { counts, store } = setup();
    const team = newTeamId();
    await store.add(team, 'users', 3); // counted before the first recount, but 5 users exist
    const walk = async () => 5;
    expect(await counts.total(team, 'users', walk)).toBe(5);
    // The background correction is pending; a create lands before it runs... after the settle read.
    await counts.settled();
    await counts.changed(team, 'users', 1);
    expect(await counts.total(team, 'users', async () => 6)).toBe(6);
    expect((await store.get(team, 'users')).n).toBe(6);
  });

  it('does not correct when counted writes landed during the walk; the next list tries again', async () => {
    const { counts, store } = setup();
    const team = newTeamId();
    const walk = async () => {
      await store.add(team, 'users', 1); // a create finishing while the walk runs
      return 4;
    };
    expect(await counts.total(team, 'users', walk)).toBe(4);
    await counts.settled();
    expect((await store.get(team, 'users')).checkedAt).toBeNull();
    expect(await counts.total(team, 'users', async () => 4)).toBe(4);
    await counts.settled();
    const c = await store.get(team, 'users');
    expect(c.n).toBe(4);
    expect(c.checkedAt).not.toBeNull();
  });

  it('an unknown outcome (a timed-out counter write) puts the count in doubt until a recount fixes it', async () => {
    const { counts, store, failNext, clock } = setup();
    const team = newTeamId();
    expect(await counts.total(team, 'users', async () => 0)).toBe(0);
    await counts.settled();
    clock.advance(1000);
    failNext(1);
    await counts.changed(team, 'users', 1); // applied, but we were told it failed
    expect((await store.get(team, 'users')).doubtAt).not.toBeNull();
    clock.advance(1);
    let walks = 0;
    expect(await counts.total(team, 'users', async () => (walks++, 1))).toBe(1);
    expect(walks).toBe(1);
    await counts.settled();
    expect((await store.get(team, 'users')).n).toBe(1);
    expect(await counts.total(team, 'users', async () => (walks++, 1))).toBe(1);
    expect(walks).toBe(1);
  });

  it('a doubt raised while a recount runs keeps the count untrusted after that recount', async () => {
    const { counts, store, clock } = setup();
    const team = newTeamId();
    const walk = async () => {
      clock.advance(10);
      await store.markDoubt(team, 'users', clock.now());
      return 2;
    };
    await counts.total(team, 'users', walk);
    await counts.settled();
    let walks = 0;
    expect(await counts.total(team, 'users', async () => (walks++, 2))).toBe(2);
    expect(walks).toBe(1);
  });

  it('one recount at a time per team: others walk without correcting', async () => {
    const { counts, store } = setup();
    const team = newTeamId();
    await store.add(team, 'users', 2);
    const results = await Promise.all(Array.from({ length: 5 }, () => counts.total(team, 'users', async () => 9)));
    expect(results).toEqual([9, 9, 9, 9, 9]);
    await counts.settled();
    expect((await store.get(team, 'users')).n).toBe(9);
  });

  it('rechecks a count older than a day in the background, still answering it', async () => {
    const { counts, store, clock } = setup();
    const team = newTeamId();
    await counts.total(team, 'users', async () => 3);
    await counts.settled();
    await store.add(team, 'users', 1); // drift the writers did not cause (a missed path)
    clock.advance(25 * 3600 * 1000);
    expect(await counts.total(team, 'users', async () => 3)).toBe(4);
    await counts.settled();
    expect(await counts.total(team, 'users', async () => 3)).toBe(3);
  });

  it('never throws from changed, even when the doubt cannot be written', async () => {
    const clock = new FakeClock();
    const broken = {
      add: async () => {
        throw new Error('down');
      },
      markDoubt: async () => {
        throw new Error('down');
      },
    } as unknown as TeamCountStore;
    const errors: unknown[] = [];
    const counts = new TeamCounts(broken, clock, { onError: (e) => errors.push(e) });
    await expect(counts.changed(newTeamId(), 'groups', -1)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});

describe('TeamCounts: concurrent changes of one count share counter updates', () => {
  /** A store whose adds wait for `release()`, counting the calls. */
  function slowAdds() {
    const clock = new FakeClock(new Date('2026-12-05T03:00:00Z'));
    const store = new MemoryTeamCountStore(clock);
    const calls: Array<{ team: string; kind: string; delta: number }> = [];
    let gates: Array<() => void> = [];
    let failing = false;
    const slow: TeamCountStore = Object.assign(Object.create(store) as TeamCountStore, {
      add: async (...args: Parameters<TeamCountStore['add']>) => {
        calls.push({ team: args[0], kind: args[1], delta: args[2] });
        await new Promise<void>((r) => gates.push(r));
        if (failing) throw new Error('write timeout');
        await store.add(...args);
      },
    });
    const release = async () => {
      // Lets the queued microtasks start the next update before the gates are opened.
      await new Promise((r) => setTimeout(r, 0));
      const open = gates;
      gates = [];
      open.forEach((g) => g());
      await new Promise((r) => setTimeout(r, 0));
    };
    return { clock, store, slow, calls, release, fail: () => (failing = true) };
  }

  it('sends what arrives while an update is in flight as one update; each caller resolves once its delta is counted', async () => {
    const { store, slow, calls, release } = slowAdds();
    const counts = new TeamCounts(slow, new FakeClock());
    const team = newTeamId();
    let resolved = 0;
    const first = counts.changed(team, 'users', 1).then(() => resolved++);
    await new Promise((r) => setTimeout(r, 0)); // the first update is sent
    const rest = Array.from({ length: 15 }, (_, i) => counts.changed(team, 'users', i === 3 ? -1 : 1).then(() => resolved++));
    await release();
    // The first update landed; the 15 others were gathered into one, not sent yet.
    expect(resolved).toBe(1);
    expect(calls.map((c) => c.delta)).toEqual([1, 13]);
    expect((await store.get(team, 'users')).n).toBe(1);
    await release();
    await Promise.all([first, ...rest]);
    expect(resolved).toBe(16);
    expect(calls).toHaveLength(2);
    expect((await store.get(team, 'users')).n).toBe(14);
    // Nothing in flight any more: the next change goes out at once, alone.
    const later = counts.changed(team, 'users', 1);
    await release();
    await later;
    expect(calls.map((c) => c.delta)).toEqual([1, 13, 1]);
  });

  it('never mixes teams or kinds in one update', async () => {
    const { store, slow, calls, release } = slowAdds();
    const counts = new TeamCounts(slow, new FakeClock());
    const [a, b] = [newTeamId(), newTeamId()];
    const all = [a, b, a, b, a, b].flatMap((t) => [counts.changed(t, 'users', 1), counts.changed(t, 'groups', 1)]);
    await release();
    await Promise.all(all);
    expect(calls).toHaveLength(4);
    for (const t of [a, b])
      for (const kind of ['users', 'groups'] as const) {
        expect(calls.filter((c) => c.team === t && c.kind === kind).map((c) => c.delta)).toEqual([3]);
        expect((await store.get(t, kind)).n).toBe(3);
      }
  });

  it('a gathered update with an unknown outcome puts the count in doubt and resolves every caller', async () => {
    const { store, slow, release, fail } = slowAdds();
    const counts = new TeamCounts(slow, new FakeClock(new Date('2026-12-05T03:00:00Z')));
    const team = newTeamId();
    fail();
    const all = Array.from({ length: 5 }, () => counts.changed(team, 'users', 1));
    await release();
    await release();
    await expect(Promise.all(all)).resolves.toHaveLength(5);
    expect((await store.get(team, 'users')).doubtAt).not.toBeNull();
  });
});

describe('TeamCounts with kept counts (two replicas on one store and one set of stamps)', () => {
  function replicas() {
    const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
    const stamps = new MemoryChangeStamps();
    const plain = new MemoryTeamCountStore(clock);
    const store = stamped(plain, STAMPED.teamCounts as never, new StampWriter(stamps, () => {}));
    const sleep = async (ms: number) => {
      clock.advance(ms);
    };
    const cache = { stamps, ttlSeconds: 30, maxEntries: 100 };
    const a = new TeamCounts(store, clock, { settleMs: 1000, sleep, cache });
    const b = new TeamCounts(store, clock, { settleMs: 1000, sleep, cache });
    return { clock, stamps, plain, a, b };
  }
  const walkOf = (n: () => number) => async () => n();

  it('a kept count answers without a read; a count written through another replica is read at once', async () => {
    const { clock, plain, stamps, a, b } = replicas();
    const team = newTeamId();
    let real = 3;
    const usersOf = (r: TeamCounts) =>
      r.total(
        team,
        'users',
        walkOf(() => real),
      );
    expect(await usersOf(b)).toBe(3); // recount, then trusted
    await b.settled();
    const reads = vi.spyOn(plain, 'get');
    expect(await usersOf(b)).toBe(3);
    expect(await usersOf(b)).toBe(3);
    expect(reads).toHaveBeenCalledTimes(1); // the first after the recount (its stamp changed), then kept
    for (let i = 0; i < 5; i++) {
      real++;
      await a.changed(team, 'users', 1); // acknowledged once its stamp is replaced
      expect(await usersOf(b)).toBe(real);
    }
    // A doubt (an add with an unknown outcome) is seen at once too: B walks again.
    await a.doubt(team, 'users');
    clock.advance(1000); // the recount starts after the doubt, so it makes the count trusted again
    let walked = false;
    expect(
      await b.total(team, 'users', async () => {
        walked = true;
        return real;
      }),
    ).toBe(real);
    expect(walked).toBe(true);
    // While the stamps cannot be read, every total reads the store.
    await b.settled();
    stamps.failing = true;
    reads.mockClear();
    await usersOf(b);
    await usersOf(b);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('a kept count lives at most its TTL (the bound when a writer could not replace the stamp)', async () => {
    const { clock, plain, a, b } = replicas();
    const team = newTeamId();
    await b.total(team, 'groups', async () => 0);
    await b.settled();
    await b.total(team, 'groups', async () => 0);
    await plain.add(team, 'groups', 1); // landed, its stamp never replaced
    expect(await b.total(team, 'groups', async () => 1)).toBe(0);
    clock.advance(30_001);
    expect(await b.total(team, 'groups', async () => 1)).toBe(1);
    expect(await a.total(team, 'groups', async () => 1)).toBe(1);
  });
});
