import { type ChangeStamps, type StampSwap, freshStamp } from '@sso/persistence';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis';

/** How long a stamp lives in Redis: an entry never outlives its TTL, so a lost stamp only costs a miss. */
export const STAMP_SECONDS = 86_400;

/** GET the stamp; when absent, SET a fresh one (ARGV[1]) with the expiry (ARGV[2]) and return it. One key: Cluster-safe. */
const STAMP_OF = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`;

/**
 * `stampOf` over several keys in one call (one node only: standalone and sentinel). ARGV[1] is a
 * fresh random prefix; a missing key gets it followed by the key's position.
 */
const STAMPS_OF = `local out = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if not v then
    v = ARGV[1] .. ':' .. i
    redis.call('SET', k, v, 'EX', ARGV[2])
  end
  out[i] = v
end
return out`;

type WithStampOf = RedisClient & {
  stampOf(key: string, fresh: string, seconds: number): Promise<string>;
  stampsOf(n: number, ...args: Array<string | number>): Promise<unknown[]>;
};

/**
 * The change stamps in Redis (docs/decisions.md, "Validated SCIM user cache"). While the client
 * is not connected nothing waits: reads answer null (the reader bypasses its cache) and stamps
 * fail (the writer retries once, then logs and counts).
 */
export class RedisChangeStamps implements ChangeStamps {
  private readonly redis: WithStampOf;

  constructor(redis: RedisClient) {
    redis.defineCommand('stampOf', { numberOfKeys: 1, lua: STAMP_OF });
    redis.defineCommand('stampsOf', { lua: STAMPS_OF });
    this.redis = redis as WithStampOf;
  }

  /** SET with GET (Redis 6.2 or later): each key replaced atomically, with the value it replaced. */
  async stamp(keys: readonly string[]): Promise<StampSwap[]> {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    return Promise.all(
      keys.map(async (key) => {
        const next = freshStamp();
        const previous = await this.redis.set(key, next, 'EX', STAMP_SECONDS, 'GET');
        return { key, previous, next };
      }),
    );
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

  /**
   * One round trip. On one node, one script call for all keys; in Cluster mode the keys' slots
   * differ, so one call per key, sent together (ioredis writes them back to back).
   */
  private async read(keys: readonly string[]): Promise<string[]> {
    const values: unknown[] =
      this.redis instanceof Cluster
        ? await Promise.all(keys.map((k) => this.redis.stampOf(k, freshStamp(), STAMP_SECONDS)))
        : await this.redis.stampsOf(keys.length, ...keys, freshStamp(), STAMP_SECONDS);
    if (values.length !== keys.length || values.some((v) => typeof v !== 'string')) throw new Error('unexpected stamps reply');
    return values as string[];
  }
}
