import { Module } from '@nestjs/common';
import { TeamAccess } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, IdpMetadataSourceStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, IDP_METADATA_SOURCES, SPAR_STORES } from '@sso/platform';
import { IdpDetailsReader } from './idp-details';
import { TeamSettingsController } from './team-settings.controller';

@Module({
  controllers: [TeamSettingsController],
  providers: [
    {
      provide: IdpDetailsReader,
      inject: [SPAR_STORES, IDENTITY_STORES, IDP_METADATA_SOURCES, CONFIG, CLOCK],
      useFactory: (spar: SparStores, identity: IdentityStores, sources: IdpMetadataSourceStore, config: Config, clock: Clock) =>
        new IdpDetailsReader(spar, identity, sources, new TeamAccess(identity.teams), config, clock),
    },
  ],
})
export class TeamSettingsModule {}
