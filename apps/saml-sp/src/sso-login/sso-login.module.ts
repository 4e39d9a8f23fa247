import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { IdentityStores } from '@sso/persistence';
import { IDENTITY_STORES } from '@sso/platform';
import { InitiateLoginModule } from '../initiate-login/initiate-login.module';
import { LoginResultReader } from './login-result';
import { SsoLoginController } from './sso-login.controller';

@Module({
  imports: [InitiateLoginModule],
  controllers: [SsoLoginController],
  providers: [
    {
      provide: LoginResultReader,
      inject: [SessionService, IDENTITY_STORES],
      useFactory: (sessions: SessionService, identity: IdentityStores) => new LoginResultReader(sessions, identity),
    },
  ],
})
export class SsoLoginModule {}
