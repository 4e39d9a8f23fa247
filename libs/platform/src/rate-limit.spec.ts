import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@sso/domain';
import { MemoryWindowCounter, RateLimiter, type WindowCounter } from './rate-limit';

const silent = pino({ level: 'silent' });

describe('RateLimiter on the in-process counters (memory backend)', () => {
  it('allows `limit` hits per window, then refuses with the seconds left, and reopens when the window ends', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(new MemoryWindowCounter(clock), silent, true);
    for (let i = 0; i < 3; i++) expect((await limiter.hit('a', 3, 60)).allowed).toBe(true);
    clock.advance(10_500);
    expect(await limiter.hit('a', 3, 60)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect((await limiter.hit('b', 3, 60)).allowed).toBe(true); // keys are apart
    clock.advance(49_500);
    expect((await limiter.hit('a', 3, 60)).allowed).toBe(true);
  });

  it('counts concurrent hits exactly', async () => {
    const limiter = new RateLimiter(new MemoryWindowCounter(new FakeClock()), silent, true);
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit('k', 20, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
  });

  it('forgets ended windows (the map does not grow with every key ever seen)', async () => {
    const clock = new FakeClock();
    const counter = new MemoryWindowCounter(clock);
    for (let i = 0; i < 999; i++) await counter.hit(`k${i}`, 1000);
    clock.advance(1000);
    await counter.hit('last', 1000);
    expect((counter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});

describe('RateLimiter when its counter fails', () => {
  const broken: WindowCounter = { hit: async () => Promise.reject(new Error('down')) };

  it('allows when configured to fail open, and refuses with a retry hint when not', async () => {
    expect(await new RateLimiter(broken, silent, true).hit('k', 1, 60)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(await new RateLimiter(broken, silent, false).hit('k', 1, 60)).toEqual({ allowed: false, retryAfterSeconds: 5 });
  });
});
