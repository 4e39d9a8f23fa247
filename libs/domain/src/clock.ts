/** The one source of "now"; injected everywhere so tests control time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (tests, in-memory twins). */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: Date | number = Date.UTC(2025, 0, 1)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock does not run backwards');
    this.ms += ms;
  }

  set(to: Date): void {
    this.ms = to.getTime();
  }
}
