import { Module } from '@nestjs/common';
import { AuthModule, type AppSpec, RateLimitModule, StoresModule } from '@sso/platform';
import { FinalizeLoginModule } from './finalize-login/finalize-login.module';
import { IdpModule } from './identity-providers/idp.module';
import { InitiateLoginModule } from './initiate-login/initiate-login.module';
import { InternalApiModule } from './internal-api/internal-api.module';
import { SingleLogoutModule } from './single-logout/single-logout.module';
import { SpMetadataController } from './sp-metadata/sp-metadata.controller';
import { SsoLoginModule } from './sso-login/sso-login.module';
import { SsoSettingsModule } from './sso-settings/sso-settings.module';

@Module({ controllers: [SpMetadataController] })
class SpMetadataModule {}

/** SAML service provider: /sso/*, /identity-providers*; and spar's internal API (/i/teams/:team, ...). */
export const samlSp: AppSpec = {
  name: 'saml-sp',
  title: 'saml-sp',
  description: 'SAML 2.0 single sign-on: SP metadata, login initiation and finalisation, identity provider management.',
  imports: [
    StoresModule.forRoot(),
    AuthModule,
    // Rate limits of IdP discovery by email on /sso/login (shared with token-admin's counters in Redis).
    RateLimitModule,
    IdpModule,
    SpMetadataModule,
    InitiateLoginModule,
    FinalizeLoginModule,
    SsoSettingsModule,
    SingleLogoutModule,
    SsoLoginModule,
    InternalApiModule,
  ],
  port: (c) => c.ports.samlSp,
  textContentTypes: ['application/xml', 'text/xml', 'application/samlmetadata+xml'],
  multipartFields: true,
  formBodies: true,
};
