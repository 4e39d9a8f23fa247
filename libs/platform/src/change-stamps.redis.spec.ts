import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisChangeStamps, STAMP_SECONDS } from './change-stamps';
import { createRedis } from './redis';

const ready = (r: ReturnType<typeof createRedis>) => new Promise<void>((ok) => (r.status === 'ready' ? ok() : r.once('ready', () => ok())));

describe('change stamps on a real Redis', () => {
  const redis = createRedis({ url: inject('redisUrl'), mode: 'standalone', nodes: [] });
  const stamps = new RedisChangeStamps(redis);
  beforeAll(() => ready(redis));
  afterAll(() => redis.disconnect());

  const keys = (n: number) => Array.from({ length: n }, () => `sso:stamp:u:test-${randomUUID()}`);

  it('creates a missing stamp once (with its expiry) and answers it until a write replaces it', async () => {
    const [k] = keys(1);
    const a = (await stamps.current([k!]))!.get(k!)!;
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect((await stamps.current([k!]))!.get(k!)).toBe(a);
    expect(await redis.ttl(k!)).toBeGreaterThan(STAMP_SECONDS - 5);
    const [swap] = await stamps.stamp([k!]);
    const b = (await stamps.current([k!]))!.get(k!)!;
    expect(b).not.toBe(a);
    // Each replacement says what it replaced (SET ... GET): the writer's chain check.
    expect(swap).toEqual({ key: k, previous: a, next: b });
    const [k2] = keys(1);
    expect((await stamps.stamp([k2!]))[0]!.previous).toBeNull();
    expect(b).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads many keys in one call, each its own stamp; concurrent first reads agree on one value', async () => {
    const ks = keys(100);
    const [x, y] = await Promise.all([stamps.current(ks), stamps.current(ks)]);
    expect(new Set(ks.map((k) => x!.get(k))).size).toBe(100);
    for (const k of ks) expect(y!.get(k)).toBe(x!.get(k));
    await stamps.stamp([ks[3]!]);
    const z = (await stamps.current(ks))!;
    expect(ks.filter((k) => z.get(k) !== x!.get(k))).toEqual([ks[3]]);
  });

  it('a stamp lost by Redis (evicted, restarted) comes back as a new random value, never the old one', async () => {
    const [k] = keys(1);
    const a = (await stamps.current([k!]))!.get(k!);
    await redis.del(k!);
    expect((await stamps.current([k!]))!.get(k!)).not.toBe(a);
  });

  it('with Redis unreachable: reads answer null (the reader bypasses), stamps reject (the writer retries, then reports)', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:7198', mode: 'standalone', nodes: [] });
    try {
      const s = new RedisChangeStamps(dead);
      expect(await s.current(keys(2))).toBeNull();
      await expect(s.stamp(keys(1))).rejects.toThrow();
    } finally {
      dead.disconnect();
    }
  });
});
