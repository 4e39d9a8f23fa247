import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, SPAR_STORES } from '@sso/platform';
import { LOGIN_LOOKUPS, type LoginLookups } from '../login-lookups.module';
import { SpSelector } from '../sp-settings';
import { InitiateLoginController } from './initiate-login.controller';
import { InitiateLoginHandler } from './initiate-login.handler';

@Module({
  controllers: [InitiateLoginController],
  providers: [
    {
      provide: InitiateLoginHandler,
      inject: [SPAR_STORES, LOGIN_LOOKUPS, CONFIG, CLOCK],
      useFactory: (spar: SparStores, lookups: LoginLookups, config: Config, clock: Clock) =>
        new InitiateLoginHandler(spar, lookups, new SpSelector(config), clock, config.saml.maxttlAuthreq),
    },
  ],
  // The enterprise-login page (sso-login/) starts its logins through the same handler.
  exports: [InitiateLoginHandler],
})
export class InitiateLoginModule {}
