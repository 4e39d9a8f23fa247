import { Module } from '@nestjs/common';
import { type AppSpec, StoresModule } from '@sso/platform';
import { ScimActivityModule } from './activity/scim-activity.hooks';
import { scimErrorTransport } from './common/scim-errors';
import { DiscoveryController } from './discovery/discovery.controller';
import { GroupsModule } from './groups/groups.module';
import { UsersModule } from './users/users.module';

@Module({ controllers: [DiscoveryController] })
class DiscoveryModule {}

/** SCIM 2.0 provisioning: /scim/v2/*. */
export const scimApi: AppSpec = {
  name: 'scim-api',
  title: 'scim-api',
  description: 'SCIM 2.0 (RFC 7643/7644) user and group provisioning, authenticated by team SCIM tokens.',
  imports: [StoresModule.forRoot(), DiscoveryModule, UsersModule, GroupsModule, ScimActivityModule],
  port: (c) => c.ports.scimApi,
  jsonContentTypes: ['application/scim+json'],
  ignoreTrailingSlash: true,
  errorTransport: scimErrorTransport,
};
