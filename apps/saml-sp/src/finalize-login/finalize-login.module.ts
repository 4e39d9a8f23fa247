import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, IdpLoginOptionsStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { IDP_LOGIN_OPTIONS, IdpLoginOptionsModule } from '../idp-login-options.module';
import { spSettings } from '../sp-settings';
import { FinalizeLoginController } from './finalize-login.controller';
import { FinalizeLoginHandler } from './finalize-login.handler';
import { UserResolution } from './user-resolution';

@Module({
  imports: [IdpLoginOptionsModule],
  controllers: [FinalizeLoginController],
  providers: [
    {
      provide: FinalizeLoginHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, IDP_LOGIN_OPTIONS, SessionService, CONFIG, CLOCK],
      useFactory: (spar: SparStores, identity: IdentityStores, options: IdpLoginOptionsStore, sessions: SessionService, config: Config, clock: Clock) =>
        new FinalizeLoginHandler(spar, options, new UserResolution(spar, identity), sessions, spSettings(config), config, clock),
    },
  ],
})
export class FinalizeLoginModule {}
