import fs from 'node:fs';
import cassandra from 'cassandra-driver';
import type { Config } from '@sso/config';

export type CassandraConfig = Config['cassandra'];

/** Called after every query: the statement's name, its duration and whether it failed. */
export type QueryObserver = (name: string, seconds: number, ok: boolean) => void;

export interface ExecOptions {
  /** Safe to retry (reads, idempotent upserts); lets the driver retry and speculate. */
  idempotent?: boolean;
  fetchSize?: number;
  pageState?: string;
  /** Lightweight transactions read their [applied] column. */
  lwt?: boolean;
}

const consistencies = cassandra.types.consistencies;

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
      socketOptions: { readTimeout: config.requestTimeoutMs, connectTimeout: 5000 },
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

  /** Runs a named, prepared statement. */
  execute(name: string, cql: string, params: unknown[] = [], opts: ExecOptions = {}): Promise<cassandra.types.ResultSet> {
    return this.timed(name, () =>
      this.client.execute(cql, params, {
        prepare: true,
        isIdempotent: opts.idempotent ?? false,
        fetchSize: opts.fetchSize,
        pageState: opts.pageState,
      }),
    );
  }

  /** A logged batch: atomic across partitions (not isolated). */
  async batch(name: string, queries: Array<{ query: string; params: unknown[] }>): Promise<void> {
    await this.timed(name, () => this.client.batch(queries, { prepare: true, logged: true }));
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
