import { Module } from '@nestjs/common';
import { IdpDiscovery, SessionService } from '@sso/auth';
import type { DomainRegistrationStore, IdentityStores, SparStores } from '@sso/persistence';
import { DOMAIN_REGISTRATIONS, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { InitiateLoginModule } from '../initiate-login/initiate-login.module';
import { LoginResultReader } from './login-result';
import { SsoLoginController } from './sso-login.controller';
import { IDP_DISCOVERY } from './sso-login.module-tokens';

@Module({
  imports: [InitiateLoginModule],
  controllers: [SsoLoginController],
  providers: [
    {
      provide: LoginResultReader,
      inject: [SessionService, IDENTITY_STORES],
      useFactory: (sessions: SessionService, identity: IdentityStores) => new LoginResultReader(sessions, identity),
    },
    {
      provide: IDP_DISCOVERY,
      inject: [DOMAIN_REGISTRATIONS, SPAR_STORES],
      useFactory: (domains: DomainRegistrationStore, spar: SparStores) => new IdpDiscovery(domains, spar.idps),
    },
  ],
})
export class SsoLoginModule {}
