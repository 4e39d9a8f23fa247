import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RateLimiter, redisWindowCounter } from './rate-limit';
import { type RedisClient, createRedis } from './redis';

const silent = pino({ level: 'silent' });

describe('RateLimiter on a real Redis', () => {
  const redis = createRedis({ url: inject('redisUrl'), mode: 'standalone', nodes: [] });
  afterAll(() => redis.disconnect());

  it('allows `limit` hits per window, then refuses with the seconds left', async () => {
    const limiter = new RateLimiter(redisWindowCounter(redis), silent, true);
    const key = `test:${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await limiter.hit(key, 3, 60)).allowed).toBe(true);
    const refused = await limiter.hit(key, 3, 60);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts concurrent hits exactly (no lost increments)', async () => {
    const limiter = new RateLimiter(redisWindowCounter(redis), silent, true);
    const key = `test:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, 20, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
  });

  it('opens a new window once the old one expires', async () => {
    const limiter = new RateLimiter(redisWindowCounter(redis), silent, true);
    const key = `test:${randomUUID()}`;
    expect((await limiter.hit(key, 1, 1)).allowed).toBe(true);
    expect((await limiter.hit(key, 1, 1)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await limiter.hit(key, 1, 1)).allowed).toBe(true);
  });
});

describe('RateLimiter when Redis is down', () => {
  let dead: RedisClient;
  afterAll(() => dead?.disconnect());

  it('allows when configured to fail open, refuses when not, and answers within the command timeout', async () => {
    dead = createRedis({ url: 'redis://127.0.0.1:1', mode: 'standalone', nodes: [] });
    dead.on('error', () => {});
    let t0 = Date.now();
    expect(await new RateLimiter(redisWindowCounter(dead), silent, true).hit('k', 1, 60)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(Date.now() - t0).toBeLessThan(1500);
    t0 = Date.now();
    expect((await new RateLimiter(redisWindowCounter(dead), silent, false).hit('k', 1, 60)).allowed).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
