import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type ActivityEvent, FakeClock, type TeamId, isTimeUuid, newTeamId } from '@sso/domain';
import { ACTIVITY_BATCH_MAX, type ActivityStore, MemoryActivityStore, activityBucket, queryActivity } from '@sso/persistence';
import { DRAIN_MAX } from './activity-recorder';
import { ActivityRecorder, type ActivityInput } from './activity-recorder';

const input = (over: Partial<ActivityInput> = {}): ActivityInput => ({
  kind: 'token.created',
  outcome: 'ok',
  actor: { type: 'user', id: 'AAAAAAAA-0000-4000-8000-000000000000', name: 'Admin' },
  subject: { type: 'scim-token', id: 'bbbbbbbb-0000-4000-8000-000000000000', name: 'Entra' },
  detail: 'SCIM token Entra was created.',
  ...over,
});

function setup(store: ActivityStore, opts: { queueSize?: number; concurrency?: number; batchDelayMs?: number } = {}) {
  const clock = new FakeClock(new Date('2026-12-04T15:00:00Z'));
  const registry = new Registry();
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const rec = new ActivityRecorder(store, {
    ttlSeconds: 90 * 86_400,
    queueSize: opts.queueSize ?? 100,
    concurrency: opts.concurrency,
    batchDelayMs: opts.batchDelayMs,
    clock,
    log,
    registry,
  });
  const count = async (result: string) =>
    (await registry.getSingleMetric('activity_events_total')!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
  return { rec, clock, lines, count, registry };
}

/** A store whose writes wait until released (a slow or hung Cassandra). */
class GatedStore extends MemoryActivityStore {
  private open!: () => void;
  readonly gate = new Promise<void>((r) => (this.open = r));
  inserts = 0;
  release(): void {
    this.open();
  }
  override async insert(team: TeamId, e: ActivityEvent, ttl: number): Promise<void> {
    this.inserts++;
    await this.gate;
    return super.insert(team, e, ttl);
  }
  override async insertMany(team: TeamId, events: readonly ActivityEvent[], ttl: number): Promise<void> {
    this.inserts++;
    await this.gate;
    return super.insertMany(team, events, ttl);
  }
}

/** A store that records every insertMany (team and event count) and can fail the batches of one team. */
class CountingStore extends MemoryActivityStore {
  readonly calls: Array<{ team: TeamId; n: number; buckets: number[] }> = [];
  failTeam: TeamId | null = null;
  override async insert(): Promise<void> {
    throw new Error('the recorder writes with insertMany');
  }
  override async insertMany(team: TeamId, events: readonly ActivityEvent[], ttl: number): Promise<void> {
    this.calls.push({ team, n: events.length, buckets: [...new Set(events.map((e) => activityBucket(e.at).getTime()))] });
    if (team === this.failTeam) throw new Error('batch timed out');
    return super.insertMany(team, events, ttl);
  }
}

describe('ActivityRecorder', () => {
  it('returns at once while the store hangs, and writes once it answers', async () => {
    const store = new GatedStore(new FakeClock(new Date('2026-12-04T15:00:00Z')));
    const { rec, count } = setup(store);
    const team = newTeamId();
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) rec.record(team, input());
    expect(performance.now() - t0).toBeLessThan(50);
    await new Promise((r) => setImmediate(r));
    expect(store.inserts).toBeGreaterThan(0);
    expect(await count('written')).toBe(0);
    store.release();
    await rec.flush();
    expect(await count('written')).toBe(50);
    expect((await queryActivity(store, team, { limit: 100 })).events).toHaveLength(50);
  });

  it('drops what does not fit in the queue, and counts it', async () => {
    const store = new GatedStore();
    const { rec, count } = setup(store, { queueSize: 3, concurrency: 1 });
    const team = newTeamId();
    for (let i = 0; i < 5; i++) rec.record(team, input());
    expect(await count('dropped')).toBe(2);
    store.release();
    await rec.flush();
    expect(await count('written')).toBe(3);
  });

  it('logs and counts a failed write; later events are still written; record never throws', async () => {
    let fail = true;
    const inner = new MemoryActivityStore();
    const store: ActivityStore = {
      insert: () => Promise.reject(new Error('the recorder writes with insertMany')),
      insertMany: (t, e, ttl) => (fail ? Promise.reject(new Error('Cassandra timed out')) : inner.insertMany(t, e, ttl)),
      buckets: (...a) => inner.buckets(...a),
      events: (...a) => inner.events(...a),
    };
    const { rec, count, lines } = setup(store);
    const team = newTeamId();
    rec.record(team, input());
    rec.defer(() => Promise.reject(new Error('lookup failed')));
    await rec.flush();
    expect(await count('failed')).toBe(2);
    expect(lines.filter((l) => l.msg === 'activity: an event could not be written')).toHaveLength(2);
    fail = false;
    rec.record(team, input());
    rec.defer(async () => null);
    await rec.flush();
    expect(await count('written')).toBe(1);
    expect((await queryActivity(inner, team, { limit: 10 })).events).toHaveLength(1);
  });

  it('close writes what is queued, then refuses new events; a hung store does not hold shutdown past the timeout', async () => {
    const store = new MemoryActivityStore();
    const { rec, count } = setup(store);
    const team = newTeamId();
    for (let i = 0; i < 20; i++) rec.record(team, input());
    await rec.close();
    expect(await count('written')).toBe(20);
    rec.record(team, input());
    expect(await count('dropped')).toBe(1);

    const hung = new GatedStore();
    const h = setup(hung);
    h.rec.record(team, input());
    const t0 = Date.now();
    await h.rec.close(200);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(h.lines.some((l) => l.msg === 'activity: shutting down with events not yet written')).toBe(true);
  });

  it('stamps the time of the call, cleans names and details, keeps a reason only on failures', async () => {
    const store = new MemoryActivityStore(new FakeClock(new Date('2026-12-04T15:00:00Z')));
    const { rec, clock } = setup(store);
    const team = newTeamId();
    rec.record(team, input({ reason: 'ignored', detail: `line\nbreak ${'x'.repeat(1000)}` }));
    clock.advance(1000);
    rec.record(
      team,
      input({ outcome: 'failed', reason: 'token-limit-reached', actor: { type: 'user', name: 'y'.repeat(400) }, subject: undefined }),
    );
    await rec.flush();
    const [failed, ok] = (await queryActivity(store, team, { limit: 10 })).events;
    expect(isTimeUuid(ok!.id)).toBe(true);
    expect(ok!.at.toISOString()).toBe('2026-12-04T15:00:00.000Z');
    expect(failed!.at.toISOString()).toBe('2026-12-04T15:00:01.000Z');
    expect(ok!.reason).toBeUndefined();
    expect(ok!.actor.id).toBe('aaaaaaaa-0000-4000-8000-000000000000');
    expect(ok!.detail).toMatch(/^line break x+…$/);
    expect([...ok!.detail]).toHaveLength(500);
    expect(failed!.reason).toBe('token-limit-reached');
    expect([...failed!.actor.name!]).toHaveLength(256);
    expect(failed).not.toHaveProperty('subject');
  });

  it('writes the events of one team and hour with one insertMany', async () => {
    const store = new CountingStore();
    const { rec, count } = setup(store);
    const team = newTeamId();
    for (let i = 0; i < 10; i++) rec.record(team, input());
    await rec.flush();
    expect(store.calls).toEqual([{ team, n: 10, buckets: [Date.parse('2026-12-04T15:00:00Z')] }]);
    expect(await count('written')).toBe(10);
    expect((await queryActivity(store, team, { limit: 100 })).events).toHaveLength(10);
  });

  it('with a batch delay, events recorded in separate turns of the event loop share one insertMany', async () => {
    const store = new CountingStore();
    const { rec, count } = setup(store, { batchDelayMs: 50 });
    const team = newTeamId();
    for (let i = 0; i < 10; i++) {
      rec.record(team, input());
      await new Promise((r) => setImmediate(r)); // requests answered one after the other
    }
    expect(store.calls).toEqual([]); // still gathering
    await rec.flush();
    expect(store.calls.map((c) => c.n)).toEqual([10]);
    expect(await count('written')).toBe(10);
    // Without the delay each turn writes its own statement.
    const eager = new CountingStore();
    const e = setup(eager);
    for (let i = 0; i < 3; i++) {
      e.rec.record(team, input());
      await new Promise((r) => setTimeout(r, 5));
    }
    await e.rec.flush();
    expect(eager.calls.map((c) => c.n)).toEqual([1, 1, 1]);
  });

  it('close does not wait for the batch delay to write what is queued', async () => {
    const store = new CountingStore();
    const { rec } = setup(store, { batchDelayMs: 10_000 });
    const team = newTeamId();
    rec.record(team, input());
    const t0 = Date.now();
    await rec.close(1000);
    expect(store.calls.map((c) => c.n)).toEqual([1]);
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it('one insertMany per team and per hour: never a batch across partitions', async () => {
    const store = new CountingStore();
    const { rec, clock, count } = setup(store);
    const [a, b] = [newTeamId(), newTeamId()];
    for (let i = 0; i < 6; i++) rec.record(i % 2 === 0 ? a : b, input());
    await rec.flush();
    expect(store.calls.map((c) => [c.team, c.n]).sort()).toEqual(
      [
        [a, 3],
        [b, 3],
      ].sort(),
    );
    // An hour boundary between queued events of one team: two partitions, two statements.
    store.calls.length = 0;
    clock.set(new Date('2026-12-04T15:59:59.999Z'));
    rec.record(a, input());
    rec.record(a, input());
    clock.advance(1);
    rec.record(a, input());
    await rec.flush();
    expect(store.calls.map((c) => [c.n, c.buckets])).toEqual([
      [2, [Date.parse('2026-12-04T15:00:00Z')]],
      [1, [Date.parse('2026-12-04T16:00:00Z')]],
    ]);
    expect(await count('written')).toBe(9);
  });

  it('splits a partition of more events than ACTIVITY_BATCH_MAX, takes at most DRAIN_MAX at a time', async () => {
    const store = new CountingStore();
    const { rec, count } = setup(store, { queueSize: 1000 });
    const team = newTeamId();
    const n = 2 * DRAIN_MAX + 5;
    for (let i = 0; i < n; i++) rec.record(team, input());
    await rec.flush();
    expect(DRAIN_MAX).toBeGreaterThan(ACTIVITY_BATCH_MAX);
    for (const c of store.calls) expect(c.n).toBeLessThanOrEqual(ACTIVITY_BATCH_MAX);
    expect(store.calls.map((c) => c.n)).toEqual([
      ACTIVITY_BATCH_MAX,
      DRAIN_MAX - ACTIVITY_BATCH_MAX,
      ACTIVITY_BATCH_MAX,
      DRAIN_MAX - ACTIVITY_BATCH_MAX,
      5,
    ]);
    expect(await count('written')).toBe(n);
    expect((await queryActivity(store, team, { limit: 500 })).events).toHaveLength(n);
  });

  it('a failed batch counts each of its events failed and logs once; other partitions are written', async () => {
    const store = new CountingStore();
    const { rec, count, lines } = setup(store);
    const [bad, good] = [newTeamId(), newTeamId()];
    store.failTeam = bad;
    for (let i = 0; i < 7; i++) rec.record(bad, input());
    for (let i = 0; i < 3; i++) rec.record(good, input());
    await rec.flush();
    expect(await count('failed')).toBe(7);
    expect(await count('written')).toBe(3);
    const logged = lines.filter((l) => l.msg === 'activity: an event could not be written');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.events).toBe(7);
    expect((await queryActivity(store, bad, { limit: 10 })).events).toEqual([]);
    // Not retried here: the next round writes only what was queued since.
    store.failTeam = null;
    rec.record(bad, input());
    await rec.flush();
    expect((await queryActivity(store, bad, { limit: 10 })).events).toHaveLength(1);
  });
});
