import { Module } from '@nestjs/common';
import type { Clock } from '@sso/domain';
import type { IdentityStores } from '@sso/persistence';
import { CLOCK, IDENTITY_STORES } from '@sso/platform';
import { TeamsController } from './teams.controller';
import { TeamsHandler } from './teams.handler';

@Module({
  controllers: [TeamsController],
  providers: [
    { provide: TeamsHandler, inject: [IDENTITY_STORES, CLOCK], useFactory: (s: IdentityStores, c: Clock) => new TeamsHandler(s, c) },
  ],
})
export class TeamsModule {}
