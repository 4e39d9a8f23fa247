import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { CassandraDb, CassandraIdpLoginOptionsStore, IdpLoginOptionsCache, type IdpLoginOptionsStore } from '@sso/persistence';
import { CLOCK, CONFIG } from '@sso/platform';

export const IDP_LOGIN_OPTIONS = Symbol('IDP_LOGIN_OPTIONS');

/**
 * One IdpLoginOptionsStore for the whole app (IdP management writes it, initiate-login and the
 * ACS read it), so its cache sees this instance's writes; cached like the IdP records.
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
  ],
  exports: [IDP_LOGIN_OPTIONS],
})
export class IdpLoginOptionsModule {}
