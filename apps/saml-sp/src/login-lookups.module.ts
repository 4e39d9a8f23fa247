import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import {
  CassandraDb,
  CassandraIdpLoginOptionsStore,
  type IdpLoginLookups,
  IdpLoginOptionsCache,
  type IdpLoginOptionsStore,
  IdpLookupCache,
  type SparStores,
} from '@sso/persistence';
import { CLOCK, CONFIG, SPAR_STORES } from '@sso/platform';

/** The app's one IdpLoginOptionsStore, for IdP management and the refresher (fresh reads). */
export const IDP_LOGIN_OPTIONS = Symbol('IDP_LOGIN_OPTIONS');
/** What initiate-login and the ACS read on every login: the cached views (docs/decisions.md, "IdP lookups"). */
export const LOGIN_LOOKUPS = Symbol('LOGIN_LOOKUPS');

export interface LoginLookups {
  idps: IdpLoginLookups;
  options: Pick<IdpLoginOptionsStore, 'get'>;
}

/**
 * One store per app for the IdP login options, so its writes empty the same cache the login
 * paths read, as the IdP store's writes do for the IdP records (platform's SPAR_STORES).
 */
@Module({
  providers: [
    {
      provide: IDP_LOGIN_OPTIONS,
      inject: [CassandraDb, CLOCK, CONFIG],
      useFactory: (db: CassandraDb, clock: Clock, config: Config): IdpLoginOptionsStore => {
        const store = new CassandraIdpLoginOptionsStore(db);
        const ttl = config.saml.idpCacheSeconds;
        return ttl > 0 ? new IdpLoginOptionsCache(store, clock, ttl) : store;
      },
    },
    {
      provide: LOGIN_LOOKUPS,
      inject: [SPAR_STORES, IDP_LOGIN_OPTIONS],
      useFactory: (spar: SparStores, options: IdpLoginOptionsStore): LoginLookups => ({
        idps: spar.idps instanceof IdpLookupCache ? spar.idps.forLogin : spar.idps,
        options: options instanceof IdpLoginOptionsCache ? options.forLogin : options,
      }),
    },
  ],
  exports: [IDP_LOGIN_OPTIONS, LOGIN_LOOKUPS],
})
export class LoginLookupsModule {}
