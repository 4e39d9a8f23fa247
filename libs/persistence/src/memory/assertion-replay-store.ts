import { type Clock, systemClock } from '@sso/domain';
import type { AssertionReplayStore } from '../ports/assertion-replay-store';
import { checkTtl } from '../ports/ttl';
import { MemorySparTables, alive, expiring } from './tables';

export class MemoryAssertionReplayStore implements AssertionReplayStore {
  constructor(
    private readonly t: MemorySparTables = new MemorySparTables(),
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(assertionId: string, ttlSeconds: number): Promise<boolean> {
    const ttl = checkTtl(ttlSeconds);
    if (alive(this.clock, this.t.authresp.get(assertionId))) return false;
    const endOfLife = new Date(this.clock.now().getTime() + ttl * 1000);
    this.t.authresp.set(assertionId, expiring(this.clock, { endOfLife }, ttl));
    return true;
  }
}
