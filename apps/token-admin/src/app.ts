import { Module } from '@nestjs/common';
import { AuthModule, type AppSpec, MailModule, RateLimitModule, StoresModule } from '@sso/platform';
import { DomainsModule } from './domains/domains.module';
import { ActivityModule } from './activity/activity.module';
import { InvitationsModule } from './invitations/invitations.module';
import { LoginModule } from './login/login.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
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
    // Sends the outbox's mail (docs/decisions.md, "Who sends mail").
    MailModule.forRoot(),
    LoginModule,
    SelfModule,
    ScimTokensModule,
    TeamsModule,
    ActivityModule,
    TeamSettingsModule,
    DomainsModule,
    PasswordResetModule,
    InvitationsModule,
  ],
  // The set-password pages post plain forms; every other route refuses them (415).
  formRoutes: ['/password-reset/set', '/teams/invitations/accept', '/activate'],
  port: (c) => c.ports.tokenAdmin,
};
