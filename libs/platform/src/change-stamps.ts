import { type ChangeStamps, freshStamp } from '@sso/persistence';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis';

/** How long a stamp lives in Redis: an entry never outlives its TTL, so a lost stamp only costs a miss. */
export const STAMP_SECONDS = 86_400;

/** GET the stamp; when absent, SET a fresh one (ARGV[1]) with the expiry (ARGV[2]) and return it. One key: Cluster-safe. */
const STAMP_OF = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`;

type WithStampOf = RedisClient & { stampOf(key: string, fresh: string, seconds: number): Promise<string> };

/**
 * The change stamps in Redis (docs/decisions.md, "Validated SCIM user cache"). While the client
 * is not connected nothing waits: reads answer null (the reader bypasses its cache) and stamps
 * fail (the writer retries once, then logs and counts).
 */
export class RedisChangeStamps implements ChangeStamps {
  private readonly redis: WithStampOf;

  constructor(redis: RedisClient) {
    redis.defineCommand('stampOf', { numberOfKeys: 1, lua: STAMP_OF });
    this.redis = redis as WithStampOf;
  }

  async stamp(keys: readonly string[]): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    await Promise.all(keys.map((k) => this.redis.set(k, freshStamp(), 'EX', STAMP_SECONDS)));
  }

  async current(keys: readonly string[]): Promise<Map<string, string> | null> {
    if (this.redis.status !== 'ready') return null;
    try {
      const values = await this.read(keys);
      const out = new Map<string, string>();
      keys.forEach((k, i) => out.set(k, values[i]!));
      return out;
    } catch {
      return null;
    }
  }

  /** One round trip: a pipeline on one node; in Cluster mode the keys' slots differ, so separate commands sent together. */
  private async read(keys: readonly string[]): Promise<string[]> {
    if (this.redis instanceof Cluster) return Promise.all(keys.map((k) => this.redis.stampOf(k, freshStamp(), STAMP_SECONDS)));
    const p = this.redis.pipeline() as unknown as {
      stampOf(k: string, f: string, s: number): void;
      exec(): Promise<Array<[Error | null, unknown]> | null>;
    };
    for (const k of keys) p.stampOf(k, freshStamp(), STAMP_SECONDS);
    const res = await p.exec();
    if (!res) throw new Error('pipeline aborted');
    return res.map(([err, v]) => {
      if (err) throw err;
      if (typeof v !== 'string') throw new Error('stamp is not a string');
      return v;
    });
  }
}
