import { Module } from '@nestjs/common';
import { TeamAccess } from '@sso/auth';
import type { ActivityStore, IdentityStores } from '@sso/persistence';
import { ACTIVITY_STORE, IDENTITY_STORES } from '@sso/platform';
import { ActivityController } from './activity.controller';
import { ActivityHandler } from './activity.handler';

@Module({
  controllers: [ActivityController],
  providers: [
    {
      provide: ActivityHandler,
      inject: [ACTIVITY_STORE, IDENTITY_STORES],
      useFactory: (store: ActivityStore, identity: IdentityStores) => new ActivityHandler(store, new TeamAccess(identity.teams)),
    },
  ],
})
export class ActivityModule {}
