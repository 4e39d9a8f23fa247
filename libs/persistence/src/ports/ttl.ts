/** Cassandra's largest TTL: 20 years. */
const MAX_TTL_SECONDS = 630_720_000;

/**
 * TTLs are whole seconds in [1, 20 years]. Zero would mean "never expires" to Cassandra, so it is
 * refused rather than passed through; callers that compute a TTL round it themselves.
 */
export function checkTtl(ttlSeconds: number): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new RangeError(`TTL must be an integer number of seconds in [1, ${MAX_TTL_SECONDS}], got ${ttlSeconds}`);
  }
  return ttlSeconds;
}
