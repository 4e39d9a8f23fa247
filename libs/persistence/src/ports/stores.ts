import type { AssertionReplayStore } from './assertion-replay-store';
import type { AuthnRequestStore } from './authn-request-store';
import type { DefaultIdpStore } from './default-idp-store';
import type { IdpStore } from './idp-store';
import type { SamlUserStore } from './saml-user-store';
import type { ScimExternalStore } from './scim-external-store';
import type { ScimTokenStore } from './scim-token-store';
import type { ScimUserTimesStore } from './scim-user-times-store';

/** Every store of the spar keyspace, as the apps receive them. */
export interface SparStores {
  authnRequests: AuthnRequestStore;
  assertionReplay: AssertionReplayStore;
  idps: IdpStore;
  defaultIdp: DefaultIdpStore;
  samlUsers: SamlUserStore;
  scimExternal: ScimExternalStore;
  scimUserTimes: ScimUserTimesStore;
  scimTokens: ScimTokenStore;
}
