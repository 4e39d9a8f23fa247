/** One line per environment variable, for docs/configuration.md (generated, and checked by a test). */
export const envHelp: Record<string, string> = {
  APP_ENV:
    '`development`, `test` or `production` (production: secure cookies by default, and each app requires what it uses: a key file for saml-sp and token-admin, a cursor key for scim-api)',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent',
  HTTP_HOST: 'address the apps listen on',
  HTTP_BODY_LIMIT: 'largest request body in bytes; larger ones get 413',
  HTTP_SHUTDOWN_GRACE_SECONDS: 'seconds to finish in-flight requests after SIGTERM',
  HTTP_TRUST_PROXY: 'Fastify trustProxy: `true`, a hop count, or addresses/CIDRs of the proxies in front (for client addresses)',
  HTTP_DRAIN_SECONDS: 'seconds after SIGTERM during which /i/status answers 503 and requests are still served, before the listener closes',
  GATEWAY_PORT: 'development gateway port',
  SAML_SP_PORT: 'saml-sp port',
  SCIM_API_PORT: 'scim-api port',
  TOKEN_ADMIN_PORT: 'token-admin port',
  SAML_SP_INTERNAL_PORT:
    "saml-sp internal port: `/i/` routes (status, metrics, and spar's internal API that galley and brig call: SSO settings, team deletion, a team's IdPs, SCIM user info) answer only here, and nothing else does",
  SCIM_API_INTERNAL_PORT: 'scim-api internal port (`/i/status`, `/i/metrics`)',
  TOKEN_ADMIN_INTERNAL_PORT: 'token-admin internal port (`/i/status`, `/i/metrics`, team creation, members, the sso feature)',
  STORE_BACKEND:
    '`cassandra`, or `memory`: every store in process memory (nothing kept, nothing shared, login rate limits counted in process instead of Redis); for unit tests and trying an app out, refused in production',
  CASSANDRA_CONTACT_POINTS: 'comma-separated `host:port` list; naming a remote host means `npm start`/`npm test` start no local node',
  CASSANDRA_LOCAL_DATACENTER: "the driver's local datacenter",
  CASSANDRA_USERNAME: 'with CASSANDRA_PASSWORD: PasswordAuthenticator credentials',
  CASSANDRA_PASSWORD: 'see CASSANDRA_USERNAME',
  CASSANDRA_TLS_ENABLED: 'TLS to Cassandra',
  CASSANDRA_TLS_CA_FILE: 'PEM CA bundle to verify the nodes',
  CASSANDRA_TLS_CERT_FILE: 'client certificate (mutual TLS)',
  CASSANDRA_TLS_KEY_FILE: 'client key (mutual TLS)',
  CASSANDRA_TLS_REJECT_UNAUTHORIZED: 'refuse nodes whose certificate does not verify',
  CASSANDRA_KEYSPACE_SPAR: "spar's keyspace",
  CASSANDRA_KEYSPACE_BRIG: 'keyspace of users, handles, email keys, rich info, cookies',
  CASSANDRA_KEYSPACE_GALLEY: 'keyspace of teams and memberships',
  CASSANDRA_REPLICATION: 'JSON, used when migrations create keyspaces: `{"class":"NetworkTopologyStrategy","datacenters":{"dc1":3}}`',
  CASSANDRA_CONSISTENCY: 'consistency of every query',
  CASSANDRA_SERIAL_CONSISTENCY: 'consistency of lightweight transactions',
  CASSANDRA_REQUEST_TIMEOUT_MS: "driver read timeout per attempt (above the servers' own timeouts, so they report theirs)",
  CASSANDRA_CONNECT_TIMEOUT_MS: 'driver connect timeout per node',
  CASSANDRA_RETRY_BUDGET_MS:
    'how long a statement that is safe to repeat (idempotent, or an LWT checked afterwards) is retried while Cassandra is unavailable, before the app answers 503',
  CASSANDRA_SPECULATIVE_DELAY_MS: 'send an idempotent statement to a second node after this many ms without an answer; 0 = never',
  ACCESS_TOKEN_KEYS_FILE:
    'JSON/YAML list of Ed25519 keys `[{kid, privateKey, publicKey}]`; the first private key signs, all verify; required in production by saml-sp and token-admin (`npm run --silent keys -- access-token` prints a fresh one)',
  ACCESS_TOKEN_TTL_SECONDS: 'access token lifetime',
  COOKIE_SECURE: 'Secure session cookies (default: true in production)',
  COOKIE_DOMAIN: 'Domain attribute of the session cookie',
  TRUSTED_Z_USER_PROXIES: "addresses/CIDRs whose `Z-User` header is trusted (Wire's nginz); empty = never",
  MAX_SCIM_TOKENS: 'SCIM tokens per team',
  SCIM_BASE_URI:
    "absolute SCIM base for `meta.location` and `Location` (spar's `scimBaseUri`, e.g. `https://<host>/scim/v2`); default: the request's own host",
  SCIM_RICH_INFO_LIMIT: 'largest rich info (sum of key and value lengths) a SCIM user may carry; larger writes get 413',
  SCIM_MAX_RESULTS: 'most resources one SCIM list page returns (advertised as `filter.maxResults`)',
  SCIM_PATCH_RESPONSE:
    "what a successful SCIM PATCH answers without a `Prefer` header: `resource` (200 with the resource, as spar) or `minimal` (204 No Content with the new `ETag`, for clients such as Microsoft's validator that expect it); `Prefer: return=minimal` or `return=representation` chooses per request",
  SCIM_TOKEN_CACHE_SECONDS:
    'seconds a scim-api replica keeps a checked SCIM token (0-60, 0 = off): a token deleted, or given an earlier expiry, through token-admin still works on a replica for at most this long (deletes made in the same process take effect at once); an expired token is refused at its expiry; unknown tokens are remembered for at most 1 s',
  SCIM_USER_CACHE_SECONDS:
    "seconds a scim-api replica keeps a SCIM user it read (1-3600); every read checks the entry against the user's change stamps in Redis, so a write through any replica or app shows at once; only a write whose stamp could not reach Redis (logged, `change_stamp_failures_total`) or one made by a program without Redis (the admin command) can stay unseen, for at most this long",
  SCIM_USER_CACHE_ENTRIES:
    'most SCIM users a scim-api replica keeps in its validated cache (the oldest go first); 0 turns the cache off (it is also off without Redis, on the memory backend)',
  SCIM_TOKEN_RATE_LIMIT:
    'requests per second each SCIM token may make to one scim-api replica, counted in the replica (so the deployment allows this times the replicas); above it 429 with `Retry-After`; 0 = no limit',
  SCIM_TOKEN_RATE_BURST: 'requests a SCIM token may make at once above its rate (the size of its token bucket)',
  SCIM_TOKEN_MAX_LIFETIME_DAYS: 'longest lifetime, in days, a SCIM token may be given at creation or rotation (`expires_at`, `expires_in`)',
  SCIM_TOKEN_EXPIRY_WARNING_DAYS: 'the token list flags a SCIM token with `expires_soon` this many days before it expires',
  SCIM_BULK_MAX_OPERATIONS:
    'most operations one SCIM `/Bulk` request may carry (advertised as `bulk.maxOperations`; more is 413); 0 turns Bulk off (advertised as unsupported, `/Bulk` answers 501)',
  SCIM_BULK_MAX_PAYLOAD_SIZE:
    'largest SCIM `/Bulk` body in bytes (advertised as `bulk.maxPayloadSize`; larger is 413); capped by `HTTP_BODY_LIMIT`, which refuses larger bodies first',
  SCIM_CURSOR_KEY:
    'HMAC key (16+ characters) for SCIM list cursors, the same on every replica; required by scim-api in production, elsewhere unset means a random key per process',
  SAML_SP_SSO_URI: 'public base of the SSO routes (`https://<host>/sso`): ACS URLs and SP entity ids derive from it',
  SAML_SP_APP_URI: "spar's `spAppUri` (kept for configuration parity; unused by the handlers)",
  SAML_CONTACTS: 'JSON list of SP metadata contacts: `[{"type":"ContactTechnical","email":"email:ops@example.com"}]`',
  SAML_SP_DOMAIN_CONFIGS:
    'multi-ingress (spar\'s `spDomainConfigs`), JSON: `{"<host>":{"spSsoUri":"https://<host>/sso","spAppUri":"https://<host>/","contacts":[...]}}`. One SP per public host, chosen by the `Z-Host` header the ingress sets (the request\'s host, lowercase, no port); SP metadata, initiate-login and finalize-login answer 404 `not-found` "Could not find SP." without it or for another host, and IdPs remember the host they were uploaded under (one per host and team). The three keys above are then unused. Unset: one SP, `Z-Host` ignored',
  SAML_MAXTTL_AUTHREQ: 'seconds an AuthnRequest stays valid (its verdict lives twice as long)',
  SAML_MAXTTL_AUTHRESP: 'longest replay-cache TTL in seconds; assertions valid for longer are refused with `ttl-error`',
  SAML_CLOCK_SKEW_SECONDS: 'clock tolerance of every SAML time check (0-180)',
  SAML_IDP_CACHE_SECONDS:
    "seconds an instance keeps an IdP it looked up for a login or a SCIM write (saml-sp, scim-api), and a team's validateSAMLemails status for a SCIM write or an SSO auto-provisioning; other instances see a changed, replaced or deleted IdP and a flipped status within it, changes made through the same instance at once (0-300, 0 = off)",
  ACTIVITY_TTL_DAYS: 'days the team activity log keeps an event (the TTL of its row); a change applies to events written from then on',
  ACTIVITY_QUEUE_SIZE:
    'activity events an app holds in memory before writing them in the background; beyond it new events are dropped and counted in `activity_events_total{result="dropped"}`',
  ACTIVITY_BATCH_DELAY_MS:
    'milliseconds the activity recorder lets events gather after the first one before writing them (one batch per team and hour instead of a statement per event); events show in the log that much later, and 0 writes at once',
  FEATURE_SSO: "galley's sso feature for teams without a status: enabled-by-default or disabled-by-default (IdP create/update need it)",
  FEATURE_VALIDATE_SAML_EMAILS:
    "galley's validateSAMLemails for teams without a status: enabled-by-default (emails of SSO and SCIM users wait for an activation link) or disabled-by-default (activated at once)",
  INVITATION_TIMEOUT_SECONDS:
    'seconds an invitation link of a SCIM user without an IdP works (Wire: 1814400, three weeks); an expired invitation lets SCIM create the user again',
  ACTIVATION_TIMEOUT_SECONDS: 'seconds an email activation link works (Wire: 1209600, two weeks)',
  DEFAULT_LOCALE:
    "the backend's default locale (`en`, `de-CH`, ...); SCIM shows its language as `preferredLanguage` of users without one, as spar does",
  SAML_ENABLE_IDP_BY_EMAIL_DISCOVERY: 'enables `POST /sso/get-by-email`',
  SAML_SP_KEY_FILE:
    'PEM RSA private key of the SP: AuthnRequests are then signed (rsa-sha256) and the certificate is published in the SP metadata',
  SAML_SP_CERT_FILE: 'PEM certificate of SAML_SP_KEY_FILE (both or neither)',
  SAML_PUBLISH_ENCRYPTION_KEY:
    'with SP keys, also publish the key with use="encryption" in the SP metadata (default true; false for IdPs that can only encrypt with CBC, such as ADFS)',
  SAML_METADATA_REFRESH_SECONDS: 'seconds between refreshes of IdP metadata registered by URL (jittered ±10 %; 0 = never)',
  SAML_METADATA_CA_FILE: 'PEM file of extra CA certificates trusted when fetching IdP metadata (added to the public roots)',
  SAML_METADATA_ALLOW_LOOPBACK: 'let metadata URLs resolve to loopback addresses: for tests only, refused in production',
  RATE_LIMIT_FAIL_OPEN: 'when Redis is down: allow logins (and log) or refuse them',
  RATE_LIMIT_LOGIN_PER_EMAIL: 'login attempts per account per 5 minutes',
  RATE_LIMIT_LOGIN_PER_ADDRESS: 'login attempts per client address per minute',
  RATE_LIMIT_DISCOVERY_PER_ADDRESS:
    'IdP discovery lookups by email (`/get-domain-registration`, `/sso/login` with an email) per client address per minute',
  DNS_SERVERS: 'comma-separated DNS resolvers (host or host:port) for domain verification TXT lookups; empty = the system resolver',
  RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: 'password reset mails per account per hour; further requests get the same answer and send nothing',
  RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS: 'password reset requests per client address per hour (429 beyond)',
  MAIL_SMTP_HOST: 'SMTP server for outgoing mail (invitations, email activation, password reset)',
  MAIL_SMTP_PORT: 'SMTP port (587 for STARTTLS, 465 for TLS; `npm start` uses Mailpit on 1025)',
  MAIL_SMTP_TLS:
    '`starttls` (upgrade, refuse a server that cannot), `tls` (TLS from the first byte) or `none` (plain, for a catcher on loopback)',
  MAIL_SMTP_REJECT_UNAUTHORIZED: 'refuse an SMTP server whose certificate does not verify',
  MAIL_SMTP_CA_FILE: 'extra PEM CA bundle for the SMTP server',
  MAIL_SMTP_USERNAME: 'SMTP AUTH user; needs MAIL_SMTP_PASSWORD or MAIL_SMTP_PASSWORD_FILE',
  MAIL_SMTP_PASSWORD: 'SMTP AUTH password (prefer MAIL_SMTP_PASSWORD_FILE); never logged',
  MAIL_SMTP_PASSWORD_FILE: 'file holding the SMTP AUTH password (a mounted Secret)',
  MAIL_SMTP_TIMEOUT_MS: 'milliseconds to connect to the SMTP server and for each of its replies',
  MAIL_FROM: 'the From header of every mail: `address` or `Name <address>`',
  MAIL_LINK_BASE_URL: "public base URL of the links in mails (token-admin's pages); default SAML_SP_APP_URI",
  MAIL_WORKER_ENABLED: 'run the outbox worker that sends queued mail (token-admin only; the other apps only queue)',
  MAIL_WORKER_INTERVAL_MS: 'milliseconds between outbox rounds while it is idle',
  MAIL_WORKER_MAX_ATTEMPTS: 'sends per mail before it is given up (logged, counted in mail_given_up_total)',
  MAIL_WORKER_BACKOFF_BASE_SECONDS: 'wait after the first failed send; doubled per failure',
  MAIL_WORKER_BACKOFF_MAX_SECONDS: 'longest wait between two sends of one mail',
  MAIL_WORKER_LEASE_SECONDS: 'how long a replica holds a mail while sending it before another may take it over',
  MAIL_RESET_LINK_TTL_SECONDS: 'lifetime of a password reset link',
  REDIS_URL: '`redis://` or `rediss://` URL (may carry a password)',
  REDIS_MODE: '`standalone`, `sentinel` or `cluster`',
  REDIS_SENTINEL_MASTER_NAME: 'Sentinel master group',
  REDIS_NODES: 'comma-separated `host:port` of Sentinels or cluster nodes',
};
