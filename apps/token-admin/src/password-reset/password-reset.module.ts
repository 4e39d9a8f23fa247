import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, MailOutbox, PasswordResetStore } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, LOGGER, MAIL_OUTBOX, PASSWORD_RESETS, RateLimiter } from '@sso/platform';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetHandler } from './password-reset.handler';

@Module({
  controllers: [PasswordResetController],
  providers: [
    {
      provide: PasswordResetHandler,
      inject: [IDENTITY_STORES, PASSWORD_RESETS, MAIL_OUTBOX, RateLimiter, CONFIG, CLOCK, LOGGER],
      useFactory: (s: IdentityStores, r: PasswordResetStore, o: MailOutbox, l: RateLimiter, c: Config, clock: Clock, log: Logger) =>
        new PasswordResetHandler(s, r, o, l, c, clock, log.child({ component: 'password-reset' })),
    },
  ],
})
export class PasswordResetModule {}
