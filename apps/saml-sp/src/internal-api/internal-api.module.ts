import { Module } from '@nestjs/common';
import type { IdentityStores, IdpDomainStore, IdpLoginOptionsStore, IdpMetadataSourceStore, SparStores } from '@sso/persistence';
import { IDENTITY_STORES, IDP_DOMAINS, SPAR_STORES } from '@sso/platform';
import { IDP_METADATA_SOURCES, IdpModule } from '../identity-providers/idp.module';
import { IDP_LOGIN_OPTIONS, LoginLookupsModule } from '../login-lookups.module';
import { InternalApiController } from './internal-api.controller';
import { InternalApiHandler } from './internal-api.handler';

@Module({
  imports: [IdpModule, LoginLookupsModule],
  controllers: [InternalApiController],
  providers: [
    {
      provide: InternalApiHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, IDP_METADATA_SOURCES, IDP_LOGIN_OPTIONS, IDP_DOMAINS],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        sources: IdpMetadataSourceStore,
        options: IdpLoginOptionsStore,
        domains: IdpDomainStore,
      ) => new InternalApiHandler(spar, identity, sources, options, domains),
    },
  ],
})
export class InternalApiModule {}
