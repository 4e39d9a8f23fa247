import fs from 'node:fs';
import cassandra from 'cassandra-driver';
import type { Config } from '@sso/config';
import { confirmPlan } from './lwt-confirm';
import { AppRetryPolicy, StoreUnavailableError, isAmbiguous, isUnavailable, isUnreachable } from './resilience';

export type CassandraConfig = Config['cassandra'];

/** Called after every query: the statement's name, its duration and whether it failed. */
export type QueryObserver = (name: string, seconds: number, ok: boolean) => void;

export interface ExecOptions {
  /** Safe to retry (reads, idempotent upserts); lets the driver retry and speculate. */
  idempotent?: boolean;
  fetchSize?: number;
  pageState?: string;
}

const consistencies = cassandra.types.consistencies;
const { reconnection, speculativeExecution } = cassandra.policies;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Retries while no node at all can be reached stop after this long (see withRetries). */
const UNREACHABLE_BUDGET_MS = 1500;

/** A write with an IF clause: a lightweight transaction, whether or not its caller said so. */
export function isConditional(cql: string): boolean {
  return /^\s*(INSERT|UPDATE|DELETE)\b[\s\S]*\sIF\s/i.test(cql);
}

/** A logged batch without conditions, counters or list appends: sending it twice changes nothing. */
export function batchIsIdempotent(queries: Array<{ query: string }>): boolean {
  return !queries.some((q) => /\bIF\b/i.test(q.query) || /=\s*[\w"]+\s*[+-]/.test(q.query) || /\b(now|uuid)\(\)/i.test(q.query));
}

/**
 * The one place that talks to cassandra-driver. Every statement is prepared, runs at the
 * configured consistency (LOCAL_QUORUM by default; LWTs at LOCAL_SERIAL) and is timed by name.
 */
export class CassandraDb {
  readonly client: cassandra.Client;
  private observer: QueryObserver = () => {};

  constructor(
    readonly config: CassandraConfig,
    opts: { applicationName?: string; metadataSync?: boolean } = {},
  ) {
    const [defaultPort] = config.contactPoints
      .map((cp) => /:(\d+)$/.exec(cp)?.[1])
      .filter(Boolean)
      .map(Number);
    this.client = new cassandra.Client({
      contactPoints: config.contactPoints.map((cp) => cp.replace(/:\d+$/, '')),
      protocolOptions: { port: defaultPort ?? 9042 },
      localDataCenter: config.localDataCenter,
      credentials: config.username ? { username: config.username, password: config.password! } : undefined,
      sslOptions: config.tls.enabled ? tlsOptions(config.tls) : undefined,
      applicationName: opts.applicationName,
      isMetadataSyncEnabled: opts.metadataSync ?? false,
      // See docs/operations.md, "Cassandra driver settings", for why each value.
      socketOptions: { readTimeout: config.requestTimeoutMs, connectTimeout: config.connectTimeoutMs, keepAlive: true, keepAliveDelay: 0 },
      pooling: { heartBeatInterval: 5000, warmup: true },
      policies: {
        retry: new AppRetryPolicy(2),
        reconnection: new reconnection.ExponentialReconnectionPolicy(250, 4000, false),
        speculativeExecution:
          config.speculativeDelayMs > 0
            ? new speculativeExecution.ConstantSpeculativeExecutionPolicy(config.speculativeDelayMs, 1)
            : new speculativeExecution.NoSpeculativeExecutionPolicy(),
      },
      encoding: { useUndefinedAsUnset: true },
      queryOptions: {
        prepare: true,
        consistency: consistencies[lowerCamel(config.consistency) as keyof typeof consistencies] as number,
        serialConsistency: consistencies[lowerCamel(config.serialConsistency) as keyof typeof consistencies] as number,
      },
    });
  }

  setObserver(observer: QueryObserver): void {
    this.observer = observer;
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async shutdown(): Promise<void> {
    await this.client.shutdown();
  }

  /**
   * Runs a named, prepared statement. `idempotent` ones are retried by the driver (and may be
   * speculated); LWTs, recognised by their `IF` condition (`isConditional`), are retried here,
   * with a read-back when the first attempt may have been applied (see lwt-confirm.ts).
   */
  execute(name: string, cql: string, params: unknown[] = [], opts: ExecOptions = {}): Promise<cassandra.types.ResultSet> {
    const run = () =>
      this.client.execute(cql, params, {
        prepare: true,
        isIdempotent: opts.idempotent ?? false,
        fetchSize: opts.fetchSize,
        pageState: opts.pageState,
      });
    if (isConditional(cql)) return this.timed(name, () => this.lwt(cql, params, run));
    return this.timed(name, () => this.withRetries(opts.idempotent ?? false, run));
  }

  /**
   * The driver retries at once, on the next node. When a node has just died, the others need
   * some seconds to notice (until then writes that pick it for the batchlog time out), so a
   * statement that is safe to repeat is tried again with a growing pause, within
   * `retryBudgetMs` from its first attempt.
   */
  private async withRetries<T>(idempotent: boolean, run: () => Promise<T>, onError?: (e: unknown) => void): Promise<T> {
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        const pause = Math.min(2000, 100 * 2 ** attempt);
        // No node reachable at all: waiting longer rarely helps, and the caller should hear it soon.
        const budget = isUnreachable(e) ? Math.min(this.config.retryBudgetMs, UNREACHABLE_BUDGET_MS) : this.config.retryBudgetMs;
        if (!idempotent || !isUnavailable(e) || Date.now() + pause > start + budget) throw e;
        onError?.(e);
        await sleep(pause);
      }
    }
  }

  private async lwt(cql: string, params: unknown[], run: () => Promise<cassandra.types.ResultSet>): Promise<cassandra.types.ResultSet> {
    let firstError: unknown;
    let ambiguous = false;
    // Retried like an idempotent statement; whether an earlier attempt was applied is settled below.
    const rs = await this.withRetries(true, run, (e) => {
      firstError ??= e;
      ambiguous ||= isAmbiguous(e);
    });
    const row = rs.first() as Record<string, unknown> | null;
    if (!ambiguous || !row || row['[applied]'] !== false) return rs;
    const verdict = await this.confirm(cql, params, row);
    if (verdict === 'unknown') throw firstError;
    if (verdict === 'applied') row['[applied]'] = true;
    return rs;
  }

  /** Was this LWT, refused on a retry, applied by an earlier attempt of ours? */
  private async confirm(cql: string, params: unknown[], existing: Record<string, unknown>): Promise<'applied' | 'not-applied' | 'unknown'> {
    const plan = confirmPlan(cql, params);
    if (!plan) return 'unknown';
    if ('judgeExisting' in plan) return plan.judgeExisting(existing);
    const rs = await this.client.execute(plan.cql, plan.params, {
      prepare: true,
      isIdempotent: true,
      consistency: consistencies[lowerCamel(this.config.serialConsistency) as keyof typeof consistencies] as number,
    });
    return plan.judge((rs.first() as Record<string, unknown> | null) ?? undefined);
  }

  /**
   * A logged batch: atomic across partitions (not isolated). Retried when it has no conditions.
   * `logged: false` for statements of ONE partition: applied as one mutation, atomic and
   * isolated without the batch log. Across partitions an unlogged batch is not atomic: only for a
   * few small plain writes the caller would otherwise run in parallel, to send them as one request
   * (well under Cassandra's multi-partition warn thresholds).
   */
  async batch(name: string, queries: Array<{ query: string; params: unknown[] }>, opts: { logged?: boolean } = {}): Promise<void> {
    const isIdempotent = batchIsIdempotent(queries);
    const logged = opts.logged ?? true;
    await this.timed(name, () => this.withRetries(isIdempotent, () => this.client.batch(queries, { prepare: true, logged, isIdempotent })));
  }

  /**
   * Conditional statements on ONE partition as one Paxos round: all applied or none. Not retried:
   * the caller settles a failure by running the statements one at a time (partition-cas.ts).
   */
  casBatch(name: string, queries: Array<{ query: string; params: unknown[] }>): Promise<cassandra.types.ResultSet> {
    return this.timed(name, () => this.client.batch(queries, { prepare: true, logged: false }));
  }

  /** Runs a DDL statement unprepared (schema changes cannot be prepared) and waits for agreement. */
  async ddl(cql: string): Promise<void> {
    await this.client.execute(cql, [], { prepare: false });
  }

  /** A cheap query that proves a coordinator answers; used by /i/status. */
  async ping(timeoutMs = 2000): Promise<void> {
    await this.timed('status.ping', () =>
      this.client.execute('SELECT release_version FROM system.local', [], {
        prepare: true,
        consistency: consistencies.localOne,
        readTimeout: timeoutMs,
      }),
    );
  }

  private async timed<T>(name: string, run: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    let ok = false;
    try {
      const result = await run();
      ok = true;
      return result;
    } catch (e) {
      throw isUnavailable(e) ? new StoreUnavailableError(name, e) : e;
    } finally {
      this.observer(name, Number(process.hrtime.bigint() - t0) / 1e9, ok);
    }
  }
}

function lowerCamel(level: string): string {
  return level.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function tlsOptions(tls: CassandraConfig['tls']) {
  const read = (f?: string) => (f ? fs.readFileSync(f) : undefined);
  return {
    ca: read(tls.caFile),
    cert: read(tls.certFile),
    key: read(tls.keyFile),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

export { cassandra };
