import type { Logger } from 'pino';
import type { Clock } from '@sso/domain';
import type { RedisClient } from './redis';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After) when refused. */
  retryAfterSeconds: number;
}

// INCR and set the expiry of a fresh window in one step, so concurrent hits cannot lose it.
const HIT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

/** Fixed-window counters: one hit of `key` in a window of `windowMs`; the count so far and the ms left. */
export interface WindowCounter {
  hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
}

/** The counters in Redis, shared by every app instance (the production setting). */
export function redisWindowCounter(redis: RedisClient): WindowCounter {
  return {
    async hit(key, windowMs) {
      const [count, ttlMs] = (await redis.eval(HIT, 1, `rl:${key}`, String(windowMs))) as [number, number];
      return { count, ttlMs };
    },
  };
}

/**
 * The counters in this process (the memory store backend: one process, no Redis). The same
 * fixed windows as HIT; expired windows are dropped as the map is swept.
 */
export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private hits = 0;

  constructor(private readonly clock: Clock) {}

  async hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const now = this.clock.now().getTime();
    if (++this.hits % 1000 === 0) for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, ttlMs: w.endsAt - now };
  }
}

/** Fixed-window rate limits over a WindowCounter (Redis: shared by every app instance). */
export class RateLimiter {
  constructor(
    private readonly counter: WindowCounter,
    private readonly log: Logger,
    private readonly failOpen: boolean,
  ) {}

  /**
   * Counts one hit of `key`; refused once more than `limit` hits fall in the window. When the counter
   * (Redis) cannot answer, `failOpen` decides: allow (and log), or refuse.
   */
  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    try {
      const { count, ttlMs } = await this.counter.hit(key, windowSeconds * 1000);
      return count > limit
        ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
        : { allowed: true, retryAfterSeconds: 0 };
    } catch (err) {
      this.log.warn({ err, key }, this.failOpen ? 'rate limiter unavailable: allowing' : 'rate limiter unavailable: refusing');
      return { allowed: this.failOpen, retryAfterSeconds: this.failOpen ? 0 : 5 };
    }
  }
}
