import { type Clock, systemClock } from '@sso/domain';
import type { SparStores } from '../ports/stores';
import { CassandraAssertionReplayStore } from './assertion-replay-store';
import { CassandraAuthnRequestStore } from './authn-request-store';
import type { CassandraDb } from './db';
import { CassandraDefaultIdpStore } from './default-idp-store';
import { CassandraIdpStore } from './idp-store';
import { CassandraSamlUserStore } from './saml-user-store';
import { CassandraScimExternalStore } from './scim-external-store';
import { CassandraScimTokenStore } from './scim-token-store';
import { CassandraScimUserTimesStore } from './scim-user-times-store';

export {
  CassandraAssertionReplayStore,
  CassandraAuthnRequestStore,
  CassandraDefaultIdpStore,
  CassandraIdpStore,
  CassandraSamlUserStore,
  CassandraScimExternalStore,
  CassandraScimTokenStore,
  CassandraScimUserTimesStore,
};

/** Every spar store on one connected client, in the keyspace `db.config.keyspaces.spar`. */
export function cassandraSparStores(db: CassandraDb, clock: Clock = systemClock): SparStores {
  return {
    authnRequests: new CassandraAuthnRequestStore(db, clock),
    assertionReplay: new CassandraAssertionReplayStore(db, clock),
    idps: new CassandraIdpStore(db),
    defaultIdp: new CassandraDefaultIdpStore(db),
    samlUsers: new CassandraSamlUserStore(db),
    scimExternal: new CassandraScimExternalStore(db),
    scimUserTimes: new CassandraScimUserTimesStore(db),
    scimTokens: new CassandraScimTokenStore(db),
  };
}
