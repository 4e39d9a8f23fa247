import { Module } from '@nestjs/common';
import { TeamAccess } from '@sso/auth';
import type { IdentityStores, SparStores } from '@sso/persistence';
import { IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { IdpController } from './idp.controller';
import { IdpHandler } from './idp.handler';

@Module({
  controllers: [IdpController],
  providers: [
    {
      provide: IdpHandler,
      inject: [SPAR_STORES, IDENTITY_STORES],
      useFactory: (spar: SparStores, identity: IdentityStores) => new IdpHandler(spar, identity, new TeamAccess(identity.teams)),
    },
  ],
})
export class IdpModule {}
