import type { AppSpec } from '@sso/platform';

/** Identity front door: /login, /access, /self, /scim/auth-tokens*, team bootstrap. */
export const tokenAdmin: AppSpec = {
  name: 'token-admin',
  title: 'token-admin',
  description: 'Team administrators: login sessions, access tokens and SCIM token management.',
  imports: [],
  port: (c) => c.ports.tokenAdmin,
};
