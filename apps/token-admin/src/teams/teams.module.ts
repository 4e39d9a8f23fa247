import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES } from '@sso/platform';
import { TeamsController } from './teams.controller';
import { TeamsHandler, ssoDefault, validateSamlEmailsDefault } from './teams.handler';

@Module({
  controllers: [TeamsController],
  providers: [
    {
      provide: TeamsHandler,
      inject: [IDENTITY_STORES, CLOCK, CONFIG],
      useFactory: (s: IdentityStores, c: Clock, config: Config) =>
        new TeamsHandler(s, c, ssoDefault(config), validateSamlEmailsDefault(config)),
    },
  ],
})
export class TeamsModule {}
