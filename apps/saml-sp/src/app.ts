import type { AppSpec } from '@sso/platform';

/** SAML service provider: /sso/*, /identity-providers*. */
export const samlSp: AppSpec = {
  name: 'saml-sp',
  title: 'saml-sp',
  description: 'SAML 2.0 single sign-on: SP metadata, login initiation and finalisation, identity provider management.',
  imports: [],
  port: (c) => c.ports.samlSp,
};
