import { type Clock, systemClock } from '@sso/domain';
import type { IdentityStores } from '../ports/identity-stores';
import { MemoryCookieStore } from './cookie-store';
import { MemoryIdentityTables } from './identity-tables';
import { MemoryTeamStore } from './team-store';
import { MemoryUserStore } from './user-store';

export { MemoryCookieStore, MemoryIdentityTables, MemoryTeamStore, MemoryUserStore };

/** The identity twins over one set of in-memory brig and galley tables. */
export function memoryIdentityStores(
  clock: Clock = systemClock,
  tables = new MemoryIdentityTables(),
): IdentityStores & { tables: MemoryIdentityTables } {
  return {
    tables,
    users: new MemoryUserStore(tables),
    teams: new MemoryTeamStore(tables),
    cookies: new MemoryCookieStore(tables, clock),
  };
}
