import { type Clock, systemClock } from '@sso/domain';
import type { SparStores } from '../ports/stores';
import { MemoryAssertionReplayStore } from './assertion-replay-store';
import { MemoryAuthnRequestStore } from './authn-request-store';
import { MemoryDefaultIdpStore } from './default-idp-store';
import { MemoryIdpStore } from './idp-store';
import { MemorySamlUserStore } from './saml-user-store';
import { MemoryScimExternalStore } from './scim-external-store';
import { MemoryScimTokenStore } from './scim-token-store';
import { MemoryScimUserTimesStore } from './scim-user-times-store';
import { MemorySparTables } from './tables';

export * from './ordering';
export { MemorySparTables } from './tables';
export {
  MemoryAssertionReplayStore,
  MemoryAuthnRequestStore,
  MemoryDefaultIdpStore,
  MemoryIdpStore,
  MemorySamlUserStore,
  MemoryScimExternalStore,
  MemoryScimTokenStore,
  MemoryScimUserTimesStore,
};

/** Every spar store over one set of in-memory tables (for unit tests of the apps). */
export function memorySparStores(clock: Clock = systemClock, tables = new MemorySparTables()): SparStores & { tables: MemorySparTables } {
  return {
    tables,
    authnRequests: new MemoryAuthnRequestStore(tables, clock),
    assertionReplay: new MemoryAssertionReplayStore(tables, clock),
    idps: new MemoryIdpStore(tables),
    defaultIdp: new MemoryDefaultIdpStore(tables),
    samlUsers: new MemorySamlUserStore(tables),
    scimExternal: new MemoryScimExternalStore(tables),
    scimUserTimes: new MemoryScimUserTimesStore(tables),
    scimTokens: new MemoryScimTokenStore(tables),
  };
}
export * from './identity-stores';
export { MemoryScimUserDocStore } from './scim-user-doc-store';
export { MemoryIdpMetadataSourceStore } from './idp-metadata-source-store';
export { MemoryIdpLoginOptionsStore } from './idp-login-options-store';
export { MemoryIdpDomainStore } from './idp-domain-store';
export { MemoryDomainRegistrationStore } from './domain-registration-store';
export { MemoryScimGroupStore } from './scim-group-store';
export { MemoryInvitationStore, MemoryActivationStore } from './invitation-store';
