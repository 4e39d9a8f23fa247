import { describe, expect, it } from 'vitest';
import { FakeClock } from '@sso/domain';
import { LastUsedRecorder } from './last-used';

function setup(jitterMs = 0) {
  const clock = new FakeClock();
  const writes: Array<[string, number]> = [];
  const errors: unknown[] = [];
  let fail = false;
  const store = {
    touch: async (k: string, at: Date) => {
      if (fail) throw new Error('down');
      writes.push([k, at.getTime()]);
    },
  };
  const rec = new LastUsedRecorder(store, clock, (e) => errors.push(e), jitterMs);
  return { clock, writes, errors, rec, failNext: (v: boolean) => (fail = v) };
}

describe('LastUsedRecorder', () => {
  it('writes a token at most once a minute, whatever the request rate (fake clock)', async () => {
    const { clock, writes, rec } = setup();
    const t0 = clock.now().getTime();
    for (let s = 0; s < 180; s++) {
      for (let i = 0; i < 50; i++) await rec.used('k', null);
      clock.advance(1_000);
    }
    expect(writes.map(([, at]) => at - t0)).toEqual([0, 60_000, 120_000]);
  });

  it('does not write when another replica wrote within the minute (the value read with the token)', async () => {
    const { clock, writes, rec } = setup();
    const seen = new Date(clock.now().getTime() - 30_000);
    expect(rec.used('k', seen)).toBeNull();
    clock.advance(29_999);
    expect(rec.used('k', seen)).toBeNull();
    clock.advance(1);
    await rec.used('k', seen);
    expect(writes).toHaveLength(1);
  });

  it('with jitter waits longer than a minute, and keeps tokens apart', async () => {
    const { clock, writes, rec } = setup(10_000);
    await rec.used('a', null);
    await rec.used('b', null);
    clock.advance(60_000);
    expect(rec.used('a', null)).toBeNull();
    clock.advance(10_000);
    await rec.used('a', null);
    expect(writes.map(([k]) => k)).toEqual(['a', 'b', 'a']);
  });

  it('logs a failed write and tries again only after the next interval', async () => {
    const { clock, writes, errors, rec, failNext } = setup();
    failNext(true);
    await rec.used('k', null);
    expect(errors).toHaveLength(1);
    failNext(false);
    expect(rec.used('k', null)).toBeNull();
    clock.advance(60_000);
    await rec.used('k', null);
    expect(writes).toHaveLength(1);
  });
});
