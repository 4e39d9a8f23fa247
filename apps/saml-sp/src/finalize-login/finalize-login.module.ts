import { Module } from '@nestjs/common';
import { EmailLinks, SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { type IdentityStores, type SparStores, type TeamCountStore, TeamCounts } from '@sso/persistence';
import {
  ACTIVITY_RECORDER,
  type ActivityRecorder,
  CLOCK,
  CONFIG,
  IDENTITY_STORES,
  SPAR_STORES,
  TEAM_COUNTS,
  emailLinksProvider,
} from '@sso/platform';
import { LOGIN_LOOKUPS, type LoginLookups } from '../login-lookups.module';
import { SpSelector } from '../sp-settings';
import { FinalizeLoginController } from './finalize-login.controller';
import { FinalizeLoginHandler } from './finalize-login.handler';
import { LoginActivity } from './login-activity';
import { UserResolution } from './user-resolution';

@Module({
  controllers: [FinalizeLoginController],
  providers: [
    {
      provide: FinalizeLoginHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, LOGIN_LOOKUPS, SessionService, CONFIG, CLOCK, EmailLinks, TEAM_COUNTS],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        lookups: LoginLookups,
        sessions: SessionService,
        config: Config,
        clock: Clock,
        emails: EmailLinks,
        counts: TeamCountStore,
      ) =>
        new FinalizeLoginHandler(
          spar,
          lookups,
          new UserResolution(spar, identity, emails, new TeamCounts(counts, clock)),
          sessions,
          new SpSelector(config),
          config,
          clock,
        ),
    },
    {
      provide: LoginActivity,
      inject: [ACTIVITY_RECORDER, CLOCK],
      useFactory: (recorder: ActivityRecorder, clock: Clock) => new LoginActivity(recorder, clock),
    },
    emailLinksProvider,
  ],
})
export class FinalizeLoginModule {}
