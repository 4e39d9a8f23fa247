import { Module } from '@nestjs/common';
import { IdpDiscovery, TeamAccess } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { DomainRegistrationStore, IdentityStores, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, DOMAIN_REGISTRATIONS, IDENTITY_STORES, RateLimiter, SPAR_STORES, dnsTxtLookup } from '@sso/platform';
import { DomainDiscoveryController, DomainsController } from './domains.controller';
import { DomainsHandler } from './domains.handler';

@Module({
  controllers: [DomainsController, DomainDiscoveryController],
  providers: [
    {
      provide: DomainsHandler,
      inject: [DOMAIN_REGISTRATIONS, SPAR_STORES, IDENTITY_STORES, RateLimiter, CLOCK, CONFIG],
      useFactory: (
        store: DomainRegistrationStore,
        spar: SparStores,
        identity: IdentityStores,
        limiter: RateLimiter,
        clock: Clock,
        config: Config,
      ) =>
        new DomainsHandler(
          store,
          spar,
          new TeamAccess(identity.teams),
          new IdpDiscovery(store, spar.idps),
          dnsTxtLookup(config.dns.servers),
          limiter,
          clock,
          config.rateLimits.discoveryPerAddress,
        ),
    },
  ],
})
export class DomainsModule {}
