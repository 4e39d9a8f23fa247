import { randomInt } from 'node:crypto';
import { type Clock, systemClock } from '@sso/domain';
import type { AssertionReplayStore } from '../ports/assertion-replay-store';
import { checkTtl } from '../ports/ttl';
import type { CassandraDb } from './db';
import { applied } from './store-helpers';

/** `authresp`, written only by this conditional insert (the partition is LWT-only). */
export class CassandraAssertionReplayStore implements AssertionReplayStore {
  private readonly ks: string;

  constructor(
    private readonly db: CassandraDb,
    private readonly clock: Clock = systemClock,
  ) {
    this.ks = db.config.keyspaces.spar;
  }

  async claim(assertionId: string, ttlSeconds: number): Promise<boolean> {
    const ttl = checkTtl(ttlSeconds);
    // The random milliseconds make the row this claim writes its own: when a lost answer makes
    // the LWT retry and read the row back (CassandraDb), a replay racing this claim cannot be
    // mistaken for it. The row's life is set by the TTL; end_of_life is informational.
    const endOfLife = new Date(this.clock.now().getTime() + ttl * 1000 + randomInt(1000));
    // Not idempotent: a blind retry of our own winning insert would report a replay.
    const rs = await this.db.execute(
      'authresp.claim',
      `INSERT INTO ${this.ks}.authresp (resp, end_of_life) VALUES (?, ?) IF NOT EXISTS USING TTL ?`,
      [assertionId, endOfLife, ttl],
    );
    return applied(rs);
  }
}
