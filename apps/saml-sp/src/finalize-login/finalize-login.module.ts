import { Module } from '@nestjs/common';
import { EmailLinks, SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, SPAR_STORES, emailLinksProvider } from '@sso/platform';
import { LOGIN_LOOKUPS, type LoginLookups } from '../login-lookups.module';
import { SpSelector } from '../sp-settings';
import { FinalizeLoginController } from './finalize-login.controller';
import { FinalizeLoginHandler } from './finalize-login.handler';
import { UserResolution } from './user-resolution';

@Module({
  controllers: [FinalizeLoginController],
  providers: [
    {
      provide: FinalizeLoginHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, LOGIN_LOOKUPS, SessionService, CONFIG, CLOCK, EmailLinks],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        lookups: LoginLookups,
        sessions: SessionService,
        config: Config,
        clock: Clock,
        emails: EmailLinks,
      ) =>
        new FinalizeLoginHandler(
          spar,
          lookups,
          new UserResolution(spar, identity, emails),
          sessions,
          new SpSelector(config),
          config,
          clock,
        ),
    },
    emailLinksProvider,
  ],
})
export class FinalizeLoginModule {}
