import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, SPAR_STORES } from '@sso/platform';
import { spSettings } from '../sp-settings';
import { InitiateLoginController } from './initiate-login.controller';
import { InitiateLoginHandler } from './initiate-login.handler';

@Module({
  controllers: [InitiateLoginController],
  providers: [
    {
      provide: InitiateLoginHandler,
      inject: [SPAR_STORES, CONFIG, CLOCK],
      useFactory: (spar: SparStores, config: Config, clock: Clock) => new InitiateLoginHandler(spar, spSettings(config), clock, config.saml.maxttlAuthreq),
    },
  ],
})
export class InitiateLoginModule {}
