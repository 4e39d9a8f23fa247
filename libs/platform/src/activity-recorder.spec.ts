import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type ActivityEvent, FakeClock, type TeamId, isTimeUuid, newTeamId } from '@sso/domain';
import { type ActivityStore, MemoryActivityStore, queryActivity } from '@sso/persistence';
import { ActivityRecorder, type ActivityInput } from './activity-recorder';

const input = (over: Partial<ActivityInput> = {}): ActivityInput => ({
  kind: 'token.created',
  outcome: 'ok',
  actor: { type: 'user', id: 'AAAAAAAA-0000-4000-8000-000000000000', name: 'Admin' },
  subject: { type: 'scim-token', id: 'bbbbbbbb-0000-4000-8000-000000000000', name: 'Entra' },
  detail: 'SCIM token Entra was created.',
  ...over,
});

function setup(store: ActivityStore, opts: { queueSize?: number; concurrency?: number } = {}) {
  const clock = new FakeClock(new Date('2026-12-04T15:00:00Z'));
  const registry = new Registry();
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const rec = new ActivityRecorder(store, {
    ttlSeconds: 90 * 86_400,
    queueSize: opts.queueSize ?? 100,
    concurrency: opts.concurrency,
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
      insert: (t, e, ttl) => (fail ? Promise.reject(new Error('Cassandra timed out')) : inner.insert(t, e, ttl)),
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
});
