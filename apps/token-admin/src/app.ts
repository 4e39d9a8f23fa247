import { Module } from '@nestjs/common';
import { AuthModule, type AppSpec, RateLimitModule, StoresModule } from '@sso/platform';
import { InvitationsModule } from './invitations/invitations.module';
import { LoginModule } from './login/login.module';
import { ScimTokensModule } from './scim-tokens/scim-tokens.module';
import { SelfController } from './self/self.controller';
import { TeamsModule } from './teams/teams.module';

@Module({ controllers: [SelfController] })
class SelfModule {}

/** Identity front door: /login, /access, /logout, /self, /scim/auth-tokens*, team bootstrap. */
export const tokenAdmin: AppSpec = {
  name: 'token-admin',
  title: 'token-admin',
  description: 'Team administrators: login sessions, access tokens and SCIM token management.',
  imports: [StoresModule.forRoot(), AuthModule, RateLimitModule, LoginModule, SelfModule, ScimTokensModule, TeamsModule, InvitationsModule],
  // The invitation and activation pages post plain HTML forms.
  formBodies: true,
  port: (c) => c.ports.tokenAdmin,
};
