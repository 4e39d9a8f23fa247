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
/** Email domains verified for IdP discovery, one team each (token-admin, saml-sp). */
export const DOMAIN_REGISTRATIONS = Symbol('DOMAIN_REGISTRATIONS');
/** The app's one IdpLoginOptionsStore, for IdP management and the refresher (fresh reads). */
export const IDP_LOGIN_OPTIONS = Symbol('IDP_LOGIN_OPTIONS');
/** What initiate-login and the ACS read on every login: the cached views (docs/decisions.md, "IdP lookups"). */
export const LOGIN_LOOKUPS = Symbol('LOGIN_LOOKUPS');
/** SCIM token expiry, rotation origin and last use (token-admin writes, scim-api reads and touches). */
export const SCIM_TOKEN_LIFECYCLE = Symbol('SCIM_TOKEN_LIFECYCLE');
/** scim-api's token check, cached for `scim.tokenCacheSeconds` (docs/decisions.md, "SCIM token check cache"). */
export const SCIM_TOKEN_AUTH = Symbol('SCIM_TOKEN_AUTH');
/** The team activity log's store (token-admin reads it) and the app's one non-blocking recorder. */
export const ACTIVITY_STORE = Symbol('ACTIVITY_STORE');
export const ACTIVITY_RECORDER = Symbol('ACTIVITY_RECORDER');
/** Invitations of SCIM users without an IdP (scim-api creates them, token-admin accepts them). */
export const INVITATIONS = Symbol('INVITATIONS');
/** Email activation links (validateSAMLemails). */
export const ACTIVATIONS = Symbol('ACTIVATIONS');
/** The mail outbox (`MailOutbox` for use cases that send mail; the worker uses the whole `MailOutboxStore`). */
export const MAIL_OUTBOX = Symbol('MAIL_OUTBOX');
/** Pending password resets (token-admin). */
export const PASSWORD_RESETS = Symbol('PASSWORD_RESETS');
/** SCIM index paging: the per-team counts (scim-api). */
export const TEAM_COUNTS = Symbol('TEAM_COUNTS');
/** SCIM index paging: the walk checkpoints (scim-api). */
export const PAGE_CHECKPOINTS = Symbol('PAGE_CHECKPOINTS');
/**
 * The change stamps of the SCIM user views in Redis, or null on the memory backend (no Redis):
 * every app's writes replace them, scim-api's user cache reads them (docs/decisions.md, "Validated SCIM user cache").
 */
export const CHANGE_STAMPS = Symbol('CHANGE_STAMPS');
