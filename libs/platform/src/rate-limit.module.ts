import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { LOGGER } from './platform.module';
import { MemoryWindowCounter, RateLimiter, redisWindowCounter } from './rate-limit';
import { type RedisClient, createRedis } from './redis';
import { CLOCK } from './store-tokens';
import { CONFIG } from './tokens';

/** The Redis client of the apps that rate-limit; null on the memory backend (no Redis at all). */
export const REDIS = Symbol('REDIS');

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient | null) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}

/**
 * Rate limits, and with them Redis: only the apps that count something import this (token-admin's
 * login), so no other app opens a Redis connection. On the memory store backend the counters
 * stay in the process. Needs the app's StoresModule (CLOCK).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [CONFIG],
      useFactory: (config: Config): RedisClient | null => (config.store.backend === 'memory' ? null : createRedis(config.redis)),
    },
    {
      provide: RateLimiter,
      inject: [REDIS, CLOCK, LOGGER, CONFIG],
      useFactory: (redis: RedisClient | null, clock: Clock, log: Logger, config: Config) =>
        new RateLimiter(redis ? redisWindowCounter(redis) : new MemoryWindowCounter(clock), log, config.rateLimits.failOpen),
    },
    RedisLifecycle,
  ],
  exports: [REDIS, RateLimiter],
})
export class RateLimitModule {}
