import { type Clock, systemClock } from '@sso/domain';
import type { IdentityStores } from '../ports/identity-stores';
import { CassandraCookieStore } from './cookie-store';
import type { CassandraDb } from './db';
import { CassandraTeamStore } from './team-store';
import { CassandraUserStore } from './user-store';

export { CassandraCookieStore, CassandraTeamStore, CassandraUserStore };

/** The identity stores on one connected client: brig in `db.config.keyspaces.brig`, galley in `.galley`. */
export function cassandraIdentityStores(db: CassandraDb, clock: Clock = systemClock): IdentityStores {
  return {
    users: new CassandraUserStore(db),
    teams: new CassandraTeamStore(db),
    cookies: new CassandraCookieStore(db, clock),
  };
}
