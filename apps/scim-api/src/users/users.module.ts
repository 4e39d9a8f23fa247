import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, ScimGroupStore, ScimUserDocStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, SCIM_USER_DOCS, SPAR_STORES } from '@sso/platform';
import { CursorCodec } from '../common/cursor';
import { SCIM_GROUPS } from '../common/group-store';
import { CURSOR_TTL_SECONDS, DEFAULT_COUNT } from '../common/limits';
import { UsersController } from './users.controller';
import { UsersHandler } from './users.handler';
import { UsersSearch } from './users.search';

export { SCIM_USER_DOCS } from '@sso/platform';

@Module({
  controllers: [UsersController],
  providers: [
    {
      provide: UsersHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, SCIM_USER_DOCS, SCIM_GROUPS, CLOCK, CONFIG],
      useFactory: (spar: SparStores, identity: IdentityStores, docs: ScimUserDocStore, groups: ScimGroupStore, clock: Clock, config: Config) =>
        new UsersHandler(spar, identity, docs, groups, clock, { richInfoLimit: config.scim.richInfoLimit, defaultLocale: config.defaultLocale }),
    },
    {
      provide: UsersSearch,
      inject: [UsersHandler, SPAR_STORES, IDENTITY_STORES, SCIM_USER_DOCS, SCIM_GROUPS, CLOCK, CONFIG],
      useFactory: (handler: UsersHandler, spar: SparStores, identity: IdentityStores, docs: ScimUserDocStore, groups: ScimGroupStore, clock: Clock, config: Config) =>
        new UsersSearch(handler, spar, identity, docs, groups, new CursorCodec(config.scim.cursorKey, CURSOR_TTL_SECONDS, () => clock.now()), {
          maxResults: config.scim.maxResults,
          defaultCount: Math.min(DEFAULT_COUNT, config.scim.maxResults),
        }),
    },
  ],
})
export class UsersModule {}
