import type { Logger } from 'pino';
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

/** Fixed-window counters in Redis, shared by every app instance. */
export class RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly log: Logger,
    private readonly failOpen: boolean,
  ) {}

  /**
   * Counts one hit of `key`; refused once more than `limit` hits fall in the window. When Redis
   * cannot answer, `failOpen` decides: allow (and log), or refuse.
   */
  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    try {
      const [count, ttlMs] = (await this.redis.eval(HIT, 1, `rl:${key}`, String(windowSeconds * 1000))) as [number, number];
      return count > limit ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) } : { allowed: true, retryAfterSeconds: 0 };
    } catch (err) {
      this.log.warn({ err, key }, this.failOpen ? 'rate limiter unavailable: allowing' : 'rate limiter unavailable: refusing');
      return { allowed: this.failOpen, retryAfterSeconds: this.failOpen ? 0 : 5 };
    }
  }
}
