import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdpLoginOptionsStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, SPAR_STORES } from '@sso/platform';
import { IDP_LOGIN_OPTIONS, IdpLoginOptionsModule } from '../idp-login-options.module';
import { spSettings } from '../sp-settings';
import { InitiateLoginController } from './initiate-login.controller';
import { InitiateLoginHandler } from './initiate-login.handler';

@Module({
  imports: [IdpLoginOptionsModule],
  controllers: [InitiateLoginController],
  providers: [
    {
      provide: InitiateLoginHandler,
      inject: [SPAR_STORES, IDP_LOGIN_OPTIONS, CONFIG, CLOCK],
      useFactory: (spar: SparStores, options: IdpLoginOptionsStore, config: Config, clock: Clock) =>
        new InitiateLoginHandler(spar, options, spSettings(config), clock, config.saml.maxttlAuthreq),
    },
  ],
})
export class InitiateLoginModule {}
