import type { Clock } from '@sso/domain';

/** A refusal: how long until one request would be allowed, in whole seconds (at least 1). */
export interface BucketRefusal {
  retryAfterSeconds: number;
}

/**
 * Per-key token buckets in this process (docs/decisions.md, "Per-token SCIM rate limit"): each key
 * may make `ratePerSecond` requests a second on average and `burst` at once. A key's bucket refills
 * continuously; a full bucket is the same as no bucket, so full ones are dropped when the map grows
 * past `maxKeys` (keys are token ids, which only valid tokens reach, so the map stays small anyway).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    burst: number,
    private readonly maxKeys = 100_000,
  ) {
    this.capacity = Math.max(burst, ratePerSecond);
  }

  /** Takes one request from `key`'s bucket: null when allowed, else when to come back. */
  take(key: string): BucketRefusal | null {
    if (this.ratePerSecond <= 0) return null;
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond) : this.capacity;
    if (tokens >= 1) {
      if (!b && this.buckets.size >= this.maxKeys) this.sweep(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return null;
    }
    this.buckets.set(key, { tokens, at: now });
    return { retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.ratePerSecond)) };
  }

  /**
   * Charges `n` more requests to `key` without refusing (a SCIM /Bulk request is let in as one
   * request, then costs one per further operation): the bucket may go below zero, and the key's
   * next requests wait until it has refilled.
   */
  charge(key: string, n: number): void {
    if (this.ratePerSecond <= 0 || n <= 0) return;
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond) : this.capacity;
    this.buckets.set(key, { tokens: tokens - n, at: now });
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= this.capacity) this.buckets.delete(k);
    }
    // Still full of busy keys: forget the oldest rather than grow.
    while (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
