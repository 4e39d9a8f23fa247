import { Module } from '@nestjs/common';
import { AuthModule, type AppSpec, RateLimitModule, StoresModule } from '@sso/platform';
import { ActivityModule } from './activity/activity.module';
import { LoginModule } from './login/login.module';
import { ScimTokensModule } from './scim-tokens/scim-tokens.module';
import { SelfController } from './self/self.controller';
import { TeamSettingsModule } from './team-settings/team-settings.module';
import { TeamsModule } from './teams/teams.module';

@Module({ controllers: [SelfController] })
class SelfModule {}

/** Identity front door: /login, /access, /logout, /self, /scim/auth-tokens*, team bootstrap, the /team-settings page. */
export const tokenAdmin: AppSpec = {
  name: 'token-admin',
  title: 'token-admin',
  description: 'Team administrators: login sessions, access tokens and SCIM token management.',
  imports: [
    StoresModule.forRoot(),
    AuthModule,
    RateLimitModule,
    LoginModule,
    SelfModule,
    ScimTokensModule,
    TeamsModule,
    ActivityModule,
    TeamSettingsModule,
    ActivityModule,
  ],
  port: (c) => c.ports.tokenAdmin,
};
