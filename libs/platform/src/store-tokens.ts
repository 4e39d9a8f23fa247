/** Injection tokens of the ports StoresModule binds (a file of its own: no import cycles). */
export const CLOCK = Symbol('CLOCK');
/** The StoreRoot: the backend, its connection, and every store (for /i/status and shutdown). */
export const STORE_ROOT = Symbol('STORE_ROOT');
export const SPAR_STORES = Symbol('SPAR_STORES');
export const IDENTITY_STORES = Symbol('IDENTITY_STORES');
/** The SCIM user documents (scim-api). */
export const SCIM_USER_DOCS = Symbol('SCIM_USER_DOCS');
/** The group tables; Users need them too (a deleted user leaves its groups, a user shows its groups). */
export const SCIM_GROUPS = Symbol('SCIM_GROUPS');
/** Where IdP metadata registered by URL comes from (saml-sp). */
export const IDP_METADATA_SOURCES = Symbol('IDP_METADATA_SOURCES');
/** Which IdP of a team holds each multi-ingress domain (saml-sp). */
export const IDP_DOMAINS = Symbol('IDP_DOMAINS');
/** The app's one IdpLoginOptionsStore, for IdP management and the refresher (fresh reads). */
export const IDP_LOGIN_OPTIONS = Symbol('IDP_LOGIN_OPTIONS');
/** What initiate-login and the ACS read on every login: the cached views (docs/decisions.md, "IdP lookups"). */
export const LOGIN_LOOKUPS = Symbol('LOGIN_LOOKUPS');
/** Invitations of SCIM users without an IdP (scim-api creates them, token-admin accepts them). */
export const INVITATIONS = Symbol('INVITATIONS');
/** Email activation links (validateSAMLemails). */
export const ACTIVATIONS = Symbol('ACTIVATIONS');
/** The mail outbox (`MailOutbox` for use cases that send mail; the worker uses the whole `MailOutboxStore`). */
export const MAIL_OUTBOX = Symbol('MAIL_OUTBOX');
/** Pending password resets (token-admin). */
export const PASSWORD_RESETS = Symbol('PASSWORD_RESETS');
