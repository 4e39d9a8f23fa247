import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config, StoreBackend } from '@sso/config';
import { type Clock, systemClock } from '@sso/domain';
import { type AppStores, type ChangeStamps, type StoreRoot, openStores } from '@sso/persistence';
import { RedisChangeStamps } from './change-stamps';
import { RedisPageCheckpointStore } from './page-checkpoints';
import { Metrics } from './metrics';
import { type RedisClient, createRedis } from './redis';
import { LOGGER } from './platform.module';
import { ActivityRecorder } from './activity-recorder';
import {
  ACTIVITY_RECORDER,
  ACTIVITY_STORE,
  CHANGE_STAMPS,
  CLOCK,
  IDENTITY_STORES,
  IDP_DOMAINS,
  DOMAIN_REGISTRATIONS,
  IDP_LOGIN_OPTIONS,
  IDP_METADATA_SOURCES,
  INVITATIONS,
  ACTIVATIONS,
  LOGIN_LOOKUPS,
  MAIL_OUTBOX,
  PASSWORD_RESETS,
  SCIM_GROUPS,
  SCIM_TOKEN_AUTH,
  SCIM_TOKEN_LIFECYCLE,
  SCIM_USER_DOCS,
  SPAR_STORES,
  STORE_ROOT,
  PAGE_CHECKPOINTS,
  TEAM_COUNTS,
} from './store-tokens';
import { APP_NAME, CONFIG } from './tokens';

export * from './store-tokens';

export interface StoresOptions {
  /** Overrides `store.backend` of the configuration (the default). */
  backend?: StoreBackend;
  /** The clock of the stores and of everything that injects CLOCK (tests pass a FakeClock). */
  clock?: Clock;
}

/** Connects at start without failing (/i/status reports it) and closes last, after the activity queue is written. */
class StoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(STORE_ROOT) private readonly root: StoreRoot,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ACTIVITY_RECORDER) private readonly activity: ActivityRecorder,
  ) {}

  onModuleInit(): void {
    if (this.root.backend === 'memory')
      this.log.warn('store.backend is memory (STORE_BACKEND): every store lives in this process; nothing is kept or shared');
    this.root.connect().catch((e: Error) => this.log.warn({ err: e }, 'Cassandra is not reachable yet; /i/status says 503 until it is'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.activity.close();
    await this.root.close();
  }
}

/** The Redis connection of the change stamps and paging checkpoints (null on the memory backend); closed after the stores. */
const STAMPS_REDIS = Symbol('STAMPS_REDIS');

class StampsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STAMPS_REDIS) private readonly redis: RedisClient | null) {}
  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

/** Each port's injection token and where it sits in AppStores. */
const ports: ReadonlyArray<[symbol, (s: AppStores) => unknown]> = [
  [SPAR_STORES, (s) => s.spar],
  [IDENTITY_STORES, (s) => s.identity],
  [SCIM_USER_DOCS, (s) => s.scimUserDocs],
  [SCIM_GROUPS, (s) => s.scimGroups],
  [IDP_METADATA_SOURCES, (s) => s.idpMetadataSources],
  [IDP_LOGIN_OPTIONS, (s) => s.idpLoginOptions],
  [IDP_DOMAINS, (s) => s.idpDomains],
  [DOMAIN_REGISTRATIONS, (s) => s.domainRegistrations],
  [LOGIN_LOOKUPS, (s) => s.loginLookups],
  [SCIM_TOKEN_LIFECYCLE, (s) => s.scimTokenLifecycle],
  [SCIM_TOKEN_AUTH, (s) => s.scimTokenAuth],
  [ACTIVITY_STORE, (s) => s.activity],
  [INVITATIONS, (s) => s.invitations],
  [ACTIVATIONS, (s) => s.activations],
  [MAIL_OUTBOX, (s) => s.mailOutbox],
  [PASSWORD_RESETS, (s) => s.passwordResets],
  [TEAM_COUNTS, (s) => s.teamCounts],
  [PAGE_CHECKPOINTS, (s) => s.pageCheckpoints],
];

/**
 * The app's composition root for persistence: every port is bound here, from one StoreRoot
 * (`openStores`), on Cassandra or on the in-memory twins as `store.backend` says. Feature
 * modules inject the tokens above and never construct a store. Global, so they need not import it.
 */
@Global()
@Module({})
export class StoresModule {
  static forRoot(opts: StoresOptions = {}): DynamicModule {
    const clock = opts.clock ?? systemClock;
    const providers: Provider[] = [
      { provide: CLOCK, useValue: clock },
      {
        provide: STAMPS_REDIS,
        inject: [CONFIG],
        useFactory: (config: Config): RedisClient | null =>
          (opts.backend ?? config.store.backend) === 'memory' ? null : createRedis(config.redis),
      },
      {
        provide: CHANGE_STAMPS,
        inject: [STAMPS_REDIS],
        useFactory: (redis: RedisClient | null): ChangeStamps | null => (redis ? new RedisChangeStamps(redis) : null),
      },
      StampsLifecycle,
      {
        provide: STORE_ROOT,
        inject: [CONFIG, APP_NAME, Metrics, CHANGE_STAMPS, LOGGER, STAMPS_REDIS],
        useFactory: (
          config: Config,
          app: string,
          metrics: Metrics,
          stamps: ChangeStamps | null,
          log: Logger,
          redis: RedisClient | null,
        ): StoreRoot =>
          openStores({
            backend: opts.backend ?? config.store.backend,
            cassandra: config.cassandra,
            loginCacheSeconds: config.saml.idpCacheSeconds,
            scimTokenCacheSeconds: config.scim.tokenCacheSeconds,
            clock,
            applicationName: app,
            observer: metrics.observeQuery,
            pageCheckpoints: redis ? new RedisPageCheckpointStore(redis, clock) : undefined,
            changeStamps: stamps
              ? {
                  stamps,
                  onFailure: (keys, err) => {
                    metrics.stampFailures.inc();
                    log.warn(
                      { err, keys },
                      'change stamps not replaced: the SCIM user cache of other replicas may show the old data until its TTL',
                    );
                  },
                }
              : undefined,
          }),
      },
      ...ports.map(([token, pick]): Provider => ({
        provide: token,
        inject: [STORE_ROOT],
        useFactory: (root: StoreRoot) => pick(root.stores),
      })),
      {
        provide: ACTIVITY_RECORDER,
        inject: [STORE_ROOT, CONFIG, LOGGER, Metrics],
        useFactory: (root: StoreRoot, config: Config, log: Logger, metrics: Metrics) =>
          new ActivityRecorder(root.stores.activity, {
            ttlSeconds: config.activity.ttlDays * 86_400,
            queueSize: config.activity.queueSize,
            batchDelayMs: config.activity.batchDelayMs,
            clock,
            log,
            registry: metrics.registry,
          }),
      },
      StoreLifecycle,
    ];
    return {
      module: StoresModule,
      providers,
      exports: [CLOCK, STORE_ROOT, CHANGE_STAMPS, ACTIVITY_RECORDER, ...ports.map(([token]) => token)],
    };
  }
}
