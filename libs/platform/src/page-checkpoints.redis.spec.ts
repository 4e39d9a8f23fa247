import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TeamId, systemClock } from '@sso/domain';
import { pageCheckpointContract } from '@sso/persistence/contract';
import { MAX_CHECKPOINTS_PER_SCOPE, RedisPageCheckpointStore } from './page-checkpoints';
import { createRedis } from './redis';

const ready = (r: ReturnType<typeof createRedis>) => new Promise<void>((ok) => (r.status === 'ready' ? ok() : r.once('ready', () => ok())));

const redis = createRedis({ url: inject('redisUrl'), mode: 'standalone', nodes: [] });
beforeAll(() => ready(redis));
afterAll(() => redis.disconnect());

pageCheckpointContract('Redis', () => ({
  checkpoints: new RedisPageCheckpointStore(redis, systemClock),
  pass: (s) => new Promise((r) => setTimeout(r, s * 1000 + 100)),
}));

describe('index paging checkpoints in Redis', () => {
  const team = () => randomUUID() as TeamId;

  it('keeps at most the cap per query, dropping the lowest indexes; the key lives as long as its longest entry', async () => {
    const s = new RedisPageCheckpointStore(redis, systemClock);
    const t = team();
    for (let i = 0; i < MAX_CHECKPOINTS_PER_SCOPE + 5; i += 1) await s.put(t, 'q', { index: 1 + i * 100, cursor: `c${i}` }, 60);
    expect(await redis.zcard(`sso:page:${t}:q`)).toBe(MAX_CHECKPOINTS_PER_SCOPE);
    expect(await s.nearest(t, 'q', 450)).toBeNull(); // indexes 1..401 were dropped
    expect(await s.nearest(t, 'q', 550)).toEqual({ index: 501, cursor: 'c5' });
    await s.put(t, 'q', { index: 1, cursor: 'long' }, 600);
    expect(await redis.pttl(`sso:page:${t}:q`)).toBeGreaterThan(590_000);
    await s.put(t, 'q', { index: 101, cursor: 'short' }, 5);
    expect(await redis.pttl(`sso:page:${t}:q`)).toBeGreaterThan(590_000);
  }, 60_000);

  it('a cursor may hold colons; a checkpoint replaced at its index is not listed twice', async () => {
    const s = new RedisPageCheckpointStore(redis, systemClock);
    const t = team();
    await s.put(t, 'q', { index: 101, cursor: 'a:b:c' }, 60);
    await s.put(t, 'q', { index: 101, cursor: 'd:e' }, 60);
    expect(await s.nearest(t, 'q', 101)).toEqual({ index: 101, cursor: 'd:e' });
    expect(await redis.zcard(`sso:page:${t}:q`)).toBe(1);
  });

  it('expired entries below the index are skipped (and removed) until a live one', async () => {
    let now = Date.now();
    const s = new RedisPageCheckpointStore(redis, { now: () => new Date(now) });
    const t = team();
    await s.put(t, 'q', { index: 1, cursor: 'live' }, 600);
    for (const i of [101, 201, 301]) await s.put(t, 'q', { index: i, cursor: `old${i}` }, 1);
    now += 5_000;
    expect(await s.nearest(t, 'q', 1000)).toEqual({ index: 1, cursor: 'live' });
    expect(await redis.zcard(`sso:page:${t}:q`)).toBe(1);
  });

  it('fails at once while Redis is not connected (IndexPaging then walks instead)', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', mode: 'standalone', nodes: [] });
    try {
      const s = new RedisPageCheckpointStore(dead, systemClock);
      const t0 = Date.now();
      await expect(s.nearest(team(), 'q', 5)).rejects.toThrow(/Redis is/);
      await expect(s.put(team(), 'q', { index: 5, cursor: 'x' }, 60)).rejects.toThrow(/Redis is/);
      expect(Date.now() - t0).toBeLessThan(100);
    } finally {
      dead.disconnect();
    }
  });
});
