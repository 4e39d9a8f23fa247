import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  ACTIVITY_DETAIL_MAX,
  ACTIVITY_NAME_MAX,
  type ActivityEvent,
  type ActivityParty,
  type Clock,
  type TeamId,
  type User,
  type UserId,
  activityText,
  timeUuid,
  timeUuidDate,
} from '@sso/domain';
import { ACTIVITY_BATCH_MAX, type ActivityStore, activityBucket } from '@sso/persistence';

/** An event as a use case reports it; the recorder gives it its id and time. */
export type ActivityInput = Omit<ActivityEvent, 'id' | 'at'>;

/** What a deferred event resolves to in the background; null records nothing. */
export type DeferredActivity = () => Promise<{ team: TeamId; input: ActivityInput } | null>;

export interface ActivityRecorderOptions {
  ttlSeconds: number;
  /** Events waiting to be written, at most; beyond it new ones are dropped (and counted). */
  queueSize: number;
  clock: Clock;
  log: Logger;
  registry?: Registry;
  /** Writes (and deferred lookups) in flight at once. */
  concurrency?: number;
  /**
   * Milliseconds events gather after the first one before the drain starts (0: the next turn of
   * the event loop), so that under load one statement carries many events.
   */
  batchDelayMs?: number;
}

interface Pending {
  at: Date;
  build: DeferredActivity;
}

function party<T extends string>(p: ActivityParty<T>): ActivityParty<T> {
  const out: ActivityParty<T> = { type: p.type };
  if (p.id !== undefined && p.id !== '') out.id = activityText(p.id, ACTIVITY_NAME_MAX).toLowerCase();
  if (p.name !== undefined && p.name !== '') out.name = activityText(p.name, ACTIVITY_NAME_MAX);
  return out;
}

/**
 * Records activity without making a request wait for it or fail because of it
 * (docs/decisions.md, "The activity recorder"): `record` only appends to a bounded in-memory queue;
 * a background loop takes up to DRAIN_MAX queued events at a time and writes them to the
 * ActivityStore, one statement per partition (team and hour); a failed write is logged and counted,
 * never retried here (the driver already retries idempotent statements); a full queue drops the
 * new event and counts it. `close` writes what is queued before the connection closes.
 */
export class ActivityRecorder {
  private readonly queue: Pending[] = [];
  private running = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  /** The drain waiting for its batch delay, if any. */
  private delayed: { timer: NodeJS.Timeout; start: () => void } | null = null;
  private readonly events: Counter<'result'>;
  private readonly depth: Gauge;
  private readonly concurrency: number;

  constructor(
    private readonly store: ActivityStore,
    private readonly opts: ActivityRecorderOptions,
  ) {
    this.concurrency = opts.concurrency ?? 8;
    const registers = opts.registry ? [opts.registry] : [];
    this.events = new Counter({
      name: 'activity_events_total',
      help: 'Team activity events, by result: written, failed (the write failed; logged), dropped (queue full or shut down)',
      labelNames: ['result'] as const,
      registers,
    });
    this.depth = new Gauge({ name: 'activity_queue_length', help: 'Activity events waiting to be written', registers });
  }

  /** Queues an event of `team`. Never throws, never waits. */
  record(team: TeamId, input: ActivityInput): void {
    this.defer(async () => ({ team, input }));
  }

  /**
   * Queues an event whose team or names are looked up in the background (e.g. the team of a v1
   * login's IdP): the lookup costs the request nothing. The event's time is now.
   */
  defer(build: DeferredActivity): void {
    if (this.closed || this.queue.length >= this.opts.queueSize) {
      this.events.inc({ result: 'dropped' });
      return;
    }
    this.queue.push({ at: this.opts.clock.now(), build });
    this.depth.set(this.queue.length);
    if (!this.running) {
      this.running = true;
      this.idle = new Promise((resolve) => {
        const start = () => {
          this.delayed = null;
          void this.drain().finally(resolve);
        };
        const delay = this.opts.batchDelayMs ?? 0;
        if (delay > 0) this.delayed = { timer: setTimeout(start, delay).unref(), start };
        else setImmediate(start);
      });
    }
  }

  /** Starts a drain that waits for its batch delay at once. */
  private startNow(): void {
    const d = this.delayed;
    if (!d) return;
    clearTimeout(d.timer);
    d.start();
  }

  /** Writes what is queued now (without the batch delay); resolves when it is written (or has failed). */
  async flush(): Promise<void> {
    while (this.running) {
      this.startNow();
      await this.idle;
    }
  }

  /** Stops accepting events and writes the queue, waiting at most `timeoutMs`. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const done = await Promise.race([this.flush().then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (done === 'timeout') this.opts.log.warn({ lost: this.queue.length }, 'activity: shutting down with events not yet written');
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const taken = this.queue.splice(0, DRAIN_MAX);
        this.depth.set(this.queue.length);
        const built = await inParallel(taken, this.concurrency, (p) => this.build(p));
        await inParallel(groups(built), this.concurrency, (g) => this.write(g));
      }
    } finally {
      this.running = false;
    }
  }

  /** The event as it is stored, or null (nothing to record, or the lookup failed: counted and logged). */
  private async build(p: Pending): Promise<{ team: TeamId; event: ActivityEvent } | null> {
    try {
      const built = await p.build();
      if (built === null) return null;
      const id = timeUuid(p.at);
      const e = built.input;
      const event: ActivityEvent = {
        id,
        at: timeUuidDate(id),
        kind: e.kind,
        outcome: e.outcome,
        actor: party(e.actor),
        detail: activityText(e.detail, ACTIVITY_DETAIL_MAX),
      };
      if (e.subject) event.subject = party(e.subject);
      if (e.idp) event.idp = e.idp.toLowerCase();
      if (e.outcome === 'failed' && e.reason) event.reason = activityText(e.reason, ACTIVITY_NAME_MAX);
      return { team: built.team, event };
    } catch (err) {
      this.events.inc({ result: 'failed' });
      this.opts.log.warn({ err }, 'activity: an event could not be written');
      return null;
    }
  }

  /** One partition's events in one statement; a failure counts each of them and is logged once. */
  private async write(g: Group): Promise<void> {
    try {
      await this.store.insertMany(g.team, g.events, this.opts.ttlSeconds);
      this.events.inc({ result: 'written' }, g.events.length);
    } catch (err) {
      this.events.inc({ result: 'failed' }, g.events.length);
      this.opts.log.warn({ err, events: g.events.length }, 'activity: an event could not be written');
    }
  }
}

/** Queued events taken by one round of the drain loop, at most. */
export const DRAIN_MAX = 64;

interface Group {
  team: TeamId;
  events: ActivityEvent[];
}

/**
 * Events grouped by partition (team and hour), each group at most ACTIVITY_BATCH_MAX: one
 * statement per group, and never a batch across partitions (docs/decisions.md, "Activity events
 * written in single-partition batches").
 */
function groups(built: ReadonlyArray<{ team: TeamId; event: ActivityEvent } | null>): Group[] {
  const byPartition = new Map<string, Group[]>();
  for (const b of built) {
    if (b === null) continue;
    const key = `${b.team.toLowerCase()}|${activityBucket(b.event.at).getTime()}`;
    const list = byPartition.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && last.events.length < ACTIVITY_BATCH_MAX) last.events.push(b.event);
    else list.push({ team: b.team, events: [b.event] });
    byPartition.set(key, list);
  }
  return [...byPartition.values()].flat();
}

/** `fn` over `items`, at most `limit` at once, results in the order of `items`. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

/**
 * Records an event whose actor is a user (a team admin changing tokens or IdPs): the user's name,
 * else email, is looked up in the background, so the request pays no read for it.
 */
export function recordByUser(
  recorder: Pick<ActivityRecorder, 'defer'>,
  users: { get(id: UserId): Promise<User | null> },
  team: TeamId,
  actor: UserId,
  input: Omit<ActivityInput, 'actor'>,
): void {
  recorder.defer(async () => {
    const u = await users.get(actor).catch(() => null);
    const name = u ? u.name || u.email || undefined : undefined;
    return { team, input: { ...input, actor: { type: 'user', id: actor, ...(name ? { name } : {}) } } };
  });
}
