import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import {
  type ChangeStamps,
  type IdentityStores,
  type LoginLookups,
  type ScimGroupStore,
  type ScimUserDocStore,
  type SparStores,
  TeamCounts,
} from '@sso/persistence';
import {
  CHANGE_STAMPS,
  CLOCK,
  CONFIG,
  IDENTITY_STORES,
  LOGIN_LOOKUPS,
  Metrics,
  SCIM_USER_DOCS,
  SPAR_STORES,
  constructedFrom,
  emailLinksProvider,
} from '@sso/platform';
import { EmailLinks } from '@sso/auth';
import { ScimUserEmails } from './user-emails';
import { CursorCodec } from '../common/cursor';
import { IndexPaging } from '../common/index-paging';
import { SCIM_GROUPS } from '../common/group-store';
import { CURSOR_TTL_SECONDS, DEFAULT_COUNT } from '../common/limits';
import { UsersController } from './users.controller';
import { CreateUser } from './create-user';
import { DeleteUser } from './delete-user';
import { UpdateUser } from './update-user';
import { UserClaims } from './user-claims';
import { UserCache } from './user-cache';
import { UserReader } from './user-reader';
import { UsersSearch } from './users.search';

export { SCIM_USER_DOCS } from '@sso/platform';

@Module({
  controllers: [UsersController],
  providers: [
    {
      provide: UserReader,
      inject: [SPAR_STORES, IDENTITY_STORES, SCIM_USER_DOCS, SCIM_GROUPS, CLOCK, CONFIG, CHANGE_STAMPS, Metrics],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        docs: ScimUserDocStore,
        groups: ScimGroupStore,
        clock: Clock,
        config: Config,
        stamps: ChangeStamps | null,
        metrics: Metrics,
      ) =>
        new UserReader(
          spar,
          identity,
          docs,
          groups,
          clock,
          { richInfoLimit: config.scim.richInfoLimit, defaultLocale: config.defaultLocale },
          // Without Redis (the memory backend) or with no entries allowed: no cache at all.
          stamps && config.scim.userCacheEntries > 0
            ? new UserCache(
                stamps,
                clock,
                { ttlSeconds: config.scim.userCacheSeconds, maxEntries: config.scim.userCacheEntries },
                (o, n = 1) => metrics.userCache.inc({ outcome: o }, n),
              )
            : null,
        ),
    },
    {
      provide: UserClaims,
      inject: [SPAR_STORES, IDENTITY_STORES, CONFIG, LOGIN_LOOKUPS],
      useFactory: (spar: SparStores, identity: IdentityStores, config: Config, lookups: LoginLookups) =>
        new UserClaims(spar, identity, { richInfoLimit: config.scim.richInfoLimit }, lookups.idps),
    },
    emailLinksProvider,
    constructedFrom(ScimUserEmails, [EmailLinks, SPAR_STORES, IDENTITY_STORES]),
    constructedFrom(CreateUser, [
      SPAR_STORES,
      IDENTITY_STORES,
      SCIM_USER_DOCS,
      CLOCK,
      UserReader,
      UserClaims,
      ScimUserEmails,
      DeleteUser,
      TeamCounts,
    ]),
    constructedFrom(UpdateUser, [SPAR_STORES, IDENTITY_STORES, SCIM_USER_DOCS, CLOCK, UserReader, UserClaims, ScimUserEmails]),
    constructedFrom(DeleteUser, [SPAR_STORES, IDENTITY_STORES, SCIM_USER_DOCS, SCIM_GROUPS, CLOCK, UserReader, ScimUserEmails, TeamCounts]),
    {
      provide: UsersSearch,
      inject: [UserReader, IDENTITY_STORES, SCIM_GROUPS, CLOCK, CONFIG, IndexPaging],
      useFactory: (
        handler: UserReader,
        identity: IdentityStores,
        groups: ScimGroupStore,
        clock: Clock,
        config: Config,
        index: IndexPaging,
      ) =>
        new UsersSearch(
          handler,
          identity,
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
  exports: [CreateUser, UpdateUser, DeleteUser],
})
export class UsersModule {}
