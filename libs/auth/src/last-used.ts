import type { Clock } from '@sso/domain';
import type { ScimTokenLifecycleStore } from '@sso/persistence';

/** A token's `last_used` is written at most once per this interval by one process. */
export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Records when SCIM tokens were used, coarsely and off the request path (docs/decisions.md, "SCIM
 * token last_used"). A process writes a token's `last_used` only when neither its own last write
 * nor the value it last read (the token check reads the row anyway, every few seconds with the
 * cache) is younger than a minute, plus a jitter of up to `jitterMs` fixed per process: the
 * replica whose threshold comes first writes, and the others read its write before theirs comes.
 * Failures are logged and not retried before the next interval.
 */
export class LastUsedRecorder {
  private readonly written = new Map<string, number>();
  private readonly thresholdMs: number;

  constructor(
    private readonly lifecycle: Pick<ScimTokenLifecycleStore, 'touch'>,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
    jitterMs = 0,
    private readonly maxKeys = 100_000,
  ) {
    this.thresholdMs = LAST_USED_INTERVAL_MS + Math.max(0, jitterMs);
  }

  /**
   * Notes a use of the token keyed `tokenKey`, whose stored `last_used` was `seen` when read.
   * Returns the write it started, if any (callers do not wait for it; tests do).
   */
  used(tokenKey: string, seen: Date | null): Promise<void> | null {
    const now = this.clock.now().getTime();
    const last = Math.max(this.written.get(tokenKey) ?? -Infinity, seen?.getTime() ?? -Infinity);
    if (now - last < this.thresholdMs) return null;
    // Taken before the write starts, so concurrent requests do not all write.
    this.written.delete(tokenKey);
    if (this.written.size >= this.maxKeys) this.written.delete(this.written.keys().next().value as string);
    this.written.set(tokenKey, now);
    return this.lifecycle.touch(tokenKey, new Date(now)).catch(this.onError);
  }
}
