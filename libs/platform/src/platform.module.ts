import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppName, Config } from '@sso/config';
import { CassandraDb } from '@sso/persistence';
import { InternalController } from './internal.controller';
import { Metrics } from './metrics';
import { APP_NAME, CONFIG } from './tokens';

export const LOGGER = Symbol('LOGGER');

/** Connects to Cassandra at start (without failing: /i/status reports it) and closes it last. */
class CassandraLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(CassandraDb) private readonly db: CassandraDb,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.db.connect().catch((e: Error) => this.log.warn({ err: e }, 'Cassandra is not reachable yet; /i/status says 503 until it is'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.shutdown();
  }
}

/** What every app gets: config, logger, metrics, Cassandra, and the internal routes. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(opts: { app: AppName; config: Config; logger: Logger; metrics: Metrics }): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [InternalController],
      providers: [
        { provide: APP_NAME, useValue: opts.app },
        { provide: CONFIG, useValue: opts.config },
        { provide: LOGGER, useValue: opts.logger },
        { provide: Metrics, useValue: opts.metrics },
        {
          provide: CassandraDb,
          useFactory: () => {
            const db = new CassandraDb(opts.config.cassandra, { applicationName: opts.app });
            db.setObserver(opts.metrics.observeQuery);
            return db;
          },
        },
        CassandraLifecycle,
      ],
      exports: [APP_NAME, CONFIG, LOGGER, Metrics, CassandraDb],
    };
  }
}
