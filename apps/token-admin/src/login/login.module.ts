import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { IdentityStores } from '@sso/persistence';
import { CONFIG, IDENTITY_STORES, RateLimiter } from '@sso/platform';
import { LoginController } from './login.controller';
import { LoginHandler } from './login.handler';

@Module({
  controllers: [LoginController],
  providers: [
    {
      provide: LoginHandler,
      inject: [IDENTITY_STORES, SessionService, RateLimiter, CONFIG],
      useFactory: (s: IdentityStores, sessions: SessionService, limiter: RateLimiter, config: Config) =>
        new LoginHandler(s, sessions, limiter, config.rateLimits),
    },
  ],
})
export class LoginModule {}
