import type { Clock, TeamId } from '@sso/domain';
import type { PageCheckpoint, PageCheckpointStore } from '@sso/persistence';
import type { RedisClient } from './redis';

/** At most this many checkpoints per (team, query scope); the lowest indexes go first. */
export const MAX_CHECKPOINTS_PER_SCOPE = 2000;
/** Checkpoints `nearest` looks at below the index (dropping expired ones) before it gives up. */
const NEAREST_SCAN = 16;

/**
 * KEYS[1]: the scope's sorted set (score: index; member: "<until ms>:<cursor>").
 * ARGV: index, member, the entry's lifetime in ms, the cap. Replaces the entry at the index,
 * drops the lowest indexes above the cap, and keeps the key as long as its longest-lived entry.
 */
const PUT = `redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
local cap = tonumber(ARGV[4])
if n > cap then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1) end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`;

/**
 * KEYS[1]: the scope's sorted set. ARGV: index, now (ms), how many to look at. The live entry with
 * the greatest index at most `index`, as {index, cursor}; expired entries met on the way are removed.
 */
const NEAREST = `local hits = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local now = tonumber(ARGV[2])
for i = 1, #hits, 2 do
  local m = hits[i]
  local sep = string.find(m, ':', 1, true)
  if tonumber(string.sub(m, 1, sep - 1)) > now then return {hits[i + 1], string.sub(m, sep + 1)} end
  redis.call('ZREM', KEYS[1], m)
end
return false`;

type WithScripts = RedisClient & {
  checkpointPut(key: string, index: number, member: string, lifetimeMs: number, cap: number): Promise<unknown>;
  checkpointNearest(key: string, index: number, now: number, scan: number): Promise<[string, string] | null>;
};

/**
 * Index paging's checkpoints in Redis (docs/decisions.md, "Index paging checkpoints in Redis"):
 * one sorted set per (team, query scope), each entry with its own expiry, one script call per
 * operation (one key: Cluster-safe). While the client is not connected both calls fail at once,
 * and IndexPaging falls back to walking from an earlier checkpoint or the start (never an error).
 */
export class RedisPageCheckpointStore implements PageCheckpointStore {
  private readonly redis: WithScripts;

  constructor(
    redis: RedisClient,
    private readonly clock: Clock,
  ) {
    redis.defineCommand('checkpointPut', { numberOfKeys: 1, lua: PUT });
    redis.defineCommand('checkpointNearest', { numberOfKeys: 1, lua: NEAREST });
    this.redis = redis as WithScripts;
  }

  async put(team: TeamId, scope: string, cp: PageCheckpoint, ttlSeconds: number): Promise<void> {
    this.connected();
    const until = this.clock.now().getTime() + ttlSeconds * 1000;
    await this.redis.checkpointPut(keyOf(team, scope), cp.index, `${until}:${cp.cursor}`, ttlSeconds * 1000, MAX_CHECKPOINTS_PER_SCOPE);
  }

  async nearest(team: TeamId, scope: string, index: number): Promise<PageCheckpoint | null> {
    this.connected();
    const hit = await this.redis.checkpointNearest(keyOf(team, scope), index, this.clock.now().getTime(), NEAREST_SCAN);
    return hit ? { index: Number(hit[0]), cursor: hit[1] } : null;
  }

  private connected(): void {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
  }
}

/** One team's keys never hold another team's checkpoints: the team is in the key. */
const keyOf = (team: TeamId, scope: string) => `sso:page:${team.toLowerCase()}:${scope}`;
