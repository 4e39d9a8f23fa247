import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { IdentityStores, InvitationStore } from '@sso/persistence';
import { CONFIG, IDENTITY_STORES, INVITATIONS, RateLimiter } from '@sso/platform';
import { LoginController } from './login.controller';
import { LoginHandler } from './login.handler';

@Module({
  controllers: [LoginController],
  providers: [
    {
      provide: LoginHandler,
      inject: [IDENTITY_STORES, SessionService, RateLimiter, CONFIG, INVITATIONS],
      useFactory: (s: IdentityStores, sessions: SessionService, limiter: RateLimiter, config: Config, invitations: InvitationStore) =>
        new LoginHandler(s, sessions, limiter, config.rateLimits, invitations),
    },
  ],
})
export class LoginModule {}
