import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { IdentityStores, SparStores } from '@sso/persistence';
import { CONFIG, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { SsoSettingsController } from './sso-settings.controller';
import { SsoSettingsHandler } from './sso-settings.handler';

@Module({
  controllers: [SsoSettingsController],
  providers: [
    {
      provide: SsoSettingsHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, CONFIG],
      useFactory: (spar: SparStores, identity: IdentityStores, config: Config) =>
        new SsoSettingsHandler(spar, identity, config.saml.enableIdPByEmailDiscovery, config.saml.spDomainConfigs !== undefined),
    },
  ],
})
export class SsoSettingsModule {}
