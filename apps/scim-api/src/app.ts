import type { AppSpec } from '@sso/platform';

/** SCIM 2.0 provisioning: /scim/v2/*. */
export const scimApi: AppSpec = {
  name: 'scim-api',
  title: 'scim-api',
  description: 'SCIM 2.0 (RFC 7643/7644) user and group provisioning, authenticated by team SCIM tokens.',
  imports: [],
  port: (c) => c.ports.scimApi,
  jsonContentTypes: ['application/scim+json'],
};
