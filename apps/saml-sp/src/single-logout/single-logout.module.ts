import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, IdpLoginOptionsStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, IDP_LOGIN_OPTIONS, SPAR_STORES } from '@sso/platform';
import { SpSelector } from '../sp-settings';
import { SingleLogoutController } from './single-logout.controller';
import { SingleLogoutHandler } from './single-logout.handler';

@Module({
  controllers: [SingleLogoutController],
  providers: [
    {
      provide: SingleLogoutHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, IDP_LOGIN_OPTIONS, SessionService, CONFIG, CLOCK],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        options: IdpLoginOptionsStore,
        sessions: SessionService,
        config: Config,
        clock: Clock,
      ) =>
        new SingleLogoutHandler(spar, identity, options, sessions, new SpSelector(config), clock, {
          clockSkewSeconds: config.saml.clockSkewSeconds,
          maxAgeSeconds: config.saml.maxttlAuthreq,
        }),
    },
  ],
})
export class SingleLogoutModule {}
