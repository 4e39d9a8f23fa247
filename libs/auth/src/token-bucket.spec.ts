import { describe, expect, it } from 'vitest';
import { FakeClock } from '@sso/domain';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows the burst at once, then the rate, and says when to come back', () => {
    const clock = new FakeClock();
    const b = new TokenBuckets(clock, 10, 30);
    for (let i = 0; i < 30; i++) expect(b.take('a')).toBeNull();
    expect(b.take('a')).toEqual({ retryAfterSeconds: 1 });
    clock.advance(100); // one request's worth at 10/s
    expect(b.take('a')).toBeNull();
    expect(b.take('a')).not.toBeNull();
    clock.advance(1_000);
    for (let i = 0; i < 10; i++) expect(b.take('a')).toBeNull();
    expect(b.take('a')).not.toBeNull();
  });

  it('keeps keys apart: one busy key does not slow another', () => {
    const clock = new FakeClock();
    const b = new TokenBuckets(clock, 1, 2);
    b.take('a');
    b.take('a');
    expect(b.take('a')).not.toBeNull();
    expect(b.take('b')).toBeNull();
    expect(b.take('b')).toBeNull();
  });

  it('gives Retry-After in whole seconds for slow rates', () => {
    const clock = new FakeClock();
    const b = new TokenBuckets(clock, 1, 1);
    b.take('a');
    expect(b.take('a')).toEqual({ retryAfterSeconds: 1 });
    const slow = new TokenBuckets(clock, 0.25, 1);
    slow.take('a');
    expect(slow.take('a')).toEqual({ retryAfterSeconds: 4 });
  });

  it('with rate 0 never refuses and keeps nothing', () => {
    const b = new TokenBuckets(new FakeClock(), 0, 1);
    for (let i = 0; i < 1_000; i++) expect(b.take('a')).toBeNull();
    expect(b.size).toBe(0);
  });

  it('stays within maxKeys, dropping refilled buckets first', () => {
    const clock = new FakeClock();
    const b = new TokenBuckets(clock, 10, 10, 100);
    for (let i = 0; i < 1_000; i++) b.take(`k${i}`);
    expect(b.size).toBeLessThanOrEqual(100);
  });

  it('charges extra requests without refusing them, and makes the key wait for the debt', () => {
    const clock = new FakeClock();
    const b = new TokenBuckets(clock, 2, 4);
    expect(b.take('a')).toBeNull();
    b.charge('a', 9); // 4 - 1 - 9 = -6: the next request needs 7 more tokens at 2 a second
    expect(b.take('a')).toEqual({ retryAfterSeconds: 4 });
    clock.advance(3_500);
    expect(b.take('a')).toBeNull();
    expect(b.take('b')).toBeNull();
    new TokenBuckets(clock, 0, 1).charge('a', 100); // rate 0: nothing to charge
  });
});
