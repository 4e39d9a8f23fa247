import { Module } from '@nestjs/common';
import { TeamAccess } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, SparStores } from '@sso/persistence';
import { ACTIVITY_RECORDER, type ActivityRecorder, CLOCK, CONFIG, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { ScimTokensController } from './scim-tokens.controller';
import { ScimTokensHandler } from './scim-tokens.handler';

@Module({
  controllers: [ScimTokensController],
  providers: [
    {
      provide: ScimTokensHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, CLOCK, CONFIG, ACTIVITY_RECORDER],
      useFactory: (spar: SparStores, identity: IdentityStores, clock: Clock, config: Config, activity: ActivityRecorder) =>
        new ScimTokensHandler(spar, identity, new TeamAccess(identity.teams), clock, config.scim.maxScimTokens, activity),
    },
  ],
})
export class ScimTokensModule {}
