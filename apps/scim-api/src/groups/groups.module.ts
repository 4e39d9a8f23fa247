import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { type IdentityStores, type ScimGroupStore, TeamCounts } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES } from '@sso/platform';
import { CursorCodec } from '../common/cursor';
import { IndexPaging } from '../common/index-paging';
import { SCIM_GROUPS } from '../common/group-store';
import { CURSOR_TTL_SECONDS, DEFAULT_COUNT } from '../common/limits';
import { GroupsController } from './groups.controller';
import { GroupsHandler } from './groups.handler';
import { GroupsSearch } from './groups.search';

@Module({
  controllers: [GroupsController],
  providers: [
    {
      provide: GroupsHandler,
      inject: [SCIM_GROUPS, IDENTITY_STORES, CLOCK, TeamCounts],
      useFactory: (groups: ScimGroupStore, identity: IdentityStores, clock: Clock, counts: TeamCounts) =>
        new GroupsHandler(groups, identity, clock, counts),
    },
    {
      provide: GroupsSearch,
      inject: [GroupsHandler, SCIM_GROUPS, CLOCK, CONFIG, IndexPaging],
      useFactory: (handler: GroupsHandler, groups: ScimGroupStore, clock: Clock, config: Config, index: IndexPaging) =>
        new GroupsSearch(
          handler,
          groups,
          new CursorCodec(config.scim.cursorKey, CURSOR_TTL_SECONDS, () => clock.now()),
          {
            maxResults: config.scim.maxResults,
            defaultCount: Math.min(DEFAULT_COUNT, config.scim.maxResults),
          },
          index,
        ),
    },
  ],
  exports: [GroupsHandler],
})
export class GroupsModule {}
