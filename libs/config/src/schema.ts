import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return v;
}, z.boolean());
const keyspaceName = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a lowercase CQL identifier of at most 48 characters');

const replication = z.discriminatedUnion('class', [
  z.object({ class: z.literal('SimpleStrategy'), replicationFactor: positiveInt.default(1) }).strict(),
  z
    .object({
      class: z.literal('NetworkTopologyStrategy'),
      datacenters: z.record(z.string().min(1), positiveInt).refine((o) => Object.keys(o).length > 0, 'name at least one datacenter'),
    })
    .strict(),
]);

const contacts = z.array(
  z
    .object({
      type: z.enum(['ContactTechnical', 'ContactSupport', 'ContactAdministrative', 'ContactBilling', 'ContactOther']),
      company: z.string().min(1).optional(),
      givenName: z.string().min(1).optional(),
      surname: z.string().min(1).optional(),
      email: z.string().min(1).optional(),
      phone: z.string().min(1).optional(),
    })
    .strict(),
);

/** A host name as nginx's `$host` gives it: lowercase labels, no port, no trailing dot. */
export const domainName = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'a lowercase host name without port',
  );

const consistencyLevels = ['LOCAL_QUORUM', 'QUORUM', 'EACH_QUORUM', 'LOCAL_ONE', 'ONE', 'ALL'] as const;

export const configSchema = z
  .object({
    env: z.enum(['development', 'test', 'production']).default('development'),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        /** Largest request body accepted, in bytes; larger ones get 413. */
        bodyLimit: positiveInt.max(64 * 1024 * 1024).default(1024 * 1024),
        /** Seconds to finish in-flight requests on SIGTERM before exiting. */
        shutdownGraceSeconds: positiveInt.max(300).default(25),
        /**
         * Seconds between SIGTERM and closing the listener: /i/status answers 503 at once so the
         * load balancer stops routing here, while requests still arriving are served.
         */
        drainSeconds: z.coerce.number().int().min(0).max(120).default(5),
        /** Fastify trustProxy: true, a hop count, or a comma-separated list of addresses/CIDRs. */
        trustProxy: z.union([bool, positiveInt, z.string().min(1)]).default(false),
      })
      .strict()
      .prefault({}),
    ports: z
      .object({
        gateway: port.default(8080),
        samlSp: port.default(8081),
        scimApi: port.default(8082),
        tokenAdmin: port.default(8083),
        /** Internal ports: `/i/` routes (status, metrics, team bootstrap) answer only there, never on the public ones. */
        samlSpInternal: port.default(9081),
        scimApiInternal: port.default(9082),
        tokenAdminInternal: port.default(9083),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        /**
         * Where every store lives: `cassandra` (the product), or `memory` (the in-memory twins: one
         * process, nothing kept after exit; for unit tests and trying an app out; refused in production).
         */
        backend: z.enum(['cassandra', 'memory']).default('cassandra'),
      })
      .strict()
      .prefault({}),
    cassandra: z
      .object({
        contactPoints: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9042']),
        localDataCenter: z.string().min(1).default('datacenter1'),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
        tls: z
          .object({
            enabled: bool.default(false),
            caFile: z.string().min(1).optional(),
            certFile: z.string().min(1).optional(),
            keyFile: z.string().min(1).optional(),
            rejectUnauthorized: bool.default(true),
          })
          .strict()
          .prefault({}),
        keyspaces: z
          .object({ spar: keyspaceName.default('spar'), brig: keyspaceName.default('brig'), galley: keyspaceName.default('galley') })
          .strict()
          .prefault({}),
        replication: replication.default({ class: 'SimpleStrategy', replicationFactor: 1 }),
        consistency: z.enum(consistencyLevels).default('LOCAL_QUORUM'),
        serialConsistency: z.enum(['LOCAL_SERIAL', 'SERIAL']).default('LOCAL_SERIAL'),
        requestTimeoutMs: positiveInt.default(12_000),
        /** Time to open a connection to a node; a dead address costs at most this. */
        connectTimeoutMs: positiveInt.max(60_000).default(3000),
        /** Idempotent statements with no answer after this many ms are also sent to a second node; 0 = never. */
        speculativeDelayMs: z.coerce.number().int().min(0).max(60_000).default(500),
        /**
         * A statement safe to repeat is retried (with pauses) while Cassandra is unavailable, for at
         * most this long: it covers the seconds the nodes need to notice that one of them died.
         */
        retryBudgetMs: z.coerce.number().int().min(0).max(120_000).default(20_000),
      })
      .strict()
      .refine((c) => (c.username === undefined) === (c.password === undefined), {
        message: 'username and password go together',
        path: ['password'],
      })
      .prefault({}),
    auth: z
      .object({
        /**
         * A JSON or YAML file with the token signing keys: `[{kid, privateKey, publicKey}]` (PEM,
         * Ed25519). The first key with a private key signs; every listed key verifies, so keys
         * rotate by prepending a new one and removing the old one later. saml-sp and token-admin
         * require it in production; elsewhere a missing file means an ephemeral key (tokens die with
         * the process). scim-api signs and verifies no access tokens and never reads it.
         */
        keysFile: z.string().min(1).optional(),
        accessTokenTtlSeconds: positiveInt.max(86_400).default(900),
        persistentCookieTtlSeconds: positiveInt.default(56 * 86_400),
        sessionCookieTtlSeconds: positiveInt.default(86_400),
        /** Secure cookies (HTTPS only). Defaults to true in production. */
        cookieSecure: bool.optional(),
        cookieDomain: z.string().min(1).optional(),
        /** Trust a `Z-User` header (Wire's nginz) from these peer addresses or CIDRs; empty = never. */
        trustedZUserProxies: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    scim: z
      .object({
        maxScimTokens: z.coerce.number().int().min(0).max(1000).default(8),
        /** Absolute base for `meta.location` and `$ref` (spar's `scimBaseUri`); default: the request's host. */
        baseUri: z.url().optional(),
        /** Max rich-info size (sum of key and value lengths); beyond it a write is 413. */
        richInfoLimit: z.coerce.number().int().min(0).default(5000),
        /** The most resources one list page returns (advertised as `filter.maxResults`). */
        maxResults: z.coerce.number().int().min(1).max(5000).default(1000),
        /**
         * HMAC key for list cursors, shared by all scim-api replicas (a cursor made by one must be
         * accepted by another). Required for scim-api in production; elsewhere random per process.
         */
        cursorKey: z.string().min(16).optional(),
        /**
         * What a successful PATCH answers without `Prefer`: `resource` is 200 with the resource
         * (spar, RFC 7644 §3.5.2's first option), `minimal` is 204 No Content. `Prefer:
         * return=minimal` / `return=representation` (RFC 7240) choose per request.
         */
        patchResponse: z.enum(['resource', 'minimal']).default('resource'),
        /**
         * Seconds scim-api keeps a checked SCIM token; 0 = every request reads Cassandra. A token
         * deleted (or whose expiry was brought forward) through token-admin keeps working on a
         * scim-api replica for at most this long; an expired token is refused at its expiry.
         */
        tokenCacheSeconds: z.coerce.number().int().min(0).max(60).default(5),
        /**
         * scim-api's validated user cache (docs/decisions.md, "Validated SCIM user cache"): how long
         * an entry lives. Every read checks it against Redis; this bounds the staleness only when a
         * writer could not reach Redis.
         */
        userCacheSeconds: z.coerce.number().int().min(1).max(3600).default(30),
        /** Most users the cache keeps per scim-api replica (oldest dropped first); 0 = no cache. */
        userCacheEntries: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
        /**
         * Requests per second each SCIM token may make to one scim-api replica (a token bucket; the
         * limit across the deployment is this times the replicas); 0 = no limit.
         */
        tokenRateLimit: z.coerce.number().int().min(0).max(100_000).default(100),
        /** Requests a token may make at once above the rate (the bucket's size); at least the rate. */
        tokenRateBurst: z.coerce.number().int().min(1).max(1_000_000).default(300),
        /** Longest lifetime a new SCIM token may be given, in days. */
        maxTokenLifetimeDays: z.coerce.number().int().min(1).max(3650).default(730),
        /** The token list flags a token `expires_soon` this many days before its expiry. */
        tokenExpiryWarningDays: z.coerce.number().int().min(0).max(365).default(14),
        /** The most operations one `/Bulk` request may carry (RFC 7644 §3.7); 0 turns Bulk off. */
        bulkMaxOperations: z.coerce.number().int().min(0).max(10000).default(1000),
        /** The largest `/Bulk` body in bytes; above it 413 (never more than `http.bodyLimit`, which refuses first). */
        bulkMaxPayloadSize: z.coerce
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
      })
      .strict()
      .prefault({}),
    activity: z
      .object({
        /** Days an activity event is kept (the rows' TTL); changing it applies to events written from then on. */
        ttlDays: z.coerce.number().int().min(1).max(3650).default(90),
        /** Events an app holds in memory waiting to be written; beyond it new events are dropped and counted. */
        queueSize: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
        /**
         * Milliseconds the recorder lets events gather after the first one before writing them,
         * so that a busy app writes one batch per team and hour instead of a statement per event.
         */
        batchDelayMs: z.coerce.number().int().min(0).max(10_000).default(100),
      })
      .strict()
      .prefault({}),
    features: z
      .object({
        /**
         * galley's `sso` feature for teams whose status was never set: IdP creation and update
         * need it enabled (`sso-disabled` otherwise). Operators set a team's status with
         * `PUT /i/teams/<team>/features/sso` on token-admin or the admin command.
         */
        sso: z.enum(['enabled-by-default', 'disabled-by-default']).default('enabled-by-default'),
        /**
         * galley's `validateSAMLemails` for teams whose status was never set: enabled, an email
         * of an SSO or SCIM user waits for an activation link; disabled, it is activated at once.
         * `PUT /i/teams/<team>/features/validateSAMLemails` on token-admin or the admin command.
         */
        validateSAMLemails: z.enum(['enabled-by-default', 'disabled-by-default']).default('disabled-by-default'),
      })
      .strict()
      .prefault({}),
    invitations: z
      .object({
        /** Seconds an invitation link works (brig's `teamInvitationTimeout`, Wire's default 3 weeks). */
        timeoutSeconds: z.coerce.number().int().min(1).max(31_536_000).default(1_814_400),
        /** Seconds an email activation link works (brig's `activationTimeout`, Wire's default 2 weeks). */
        activationTimeoutSeconds: z.coerce.number().int().min(60).max(31_536_000).default(1_209_600),
      })
      .strict()
      .prefault({}),
    /**
     * The backend's default locale (brig's `setDefaultUserLocale`): `ll` or `ll-CC` (ISO 639-1
     * language, optional ISO 3166 country). SCIM shows its language as `preferredLanguage` of users
     * who have none, as spar does.
     */
    defaultLocale: z
      .string()
      .regex(/^[a-zA-Z]{2}(-[a-zA-Z]{2})?$/, 'a locale such as en or en-US')
      .default('en'),
    saml: z
      .object({
        /** Public base of the SSO routes; ACS URLs and SP entity ids derive from it (spar's `spSsoUri`). */
        spSsoUri: z.url().default('http://localhost:8080/sso'),
        /** spar's `spAppUri` (required there, unused by its handlers). */
        spAppUri: z.url().default('http://localhost:8080/'),
        /** ContactPersons in the SP metadata. */
        contacts: contacts.default([]),
        /**
         * Multi-ingress (spar's `spDomainConfigs`): one SP per public host, chosen by the `Z-Host`
         * header the ingress sets. When set, spSsoUri, spAppUri and contacts above are unused.
         */
        spDomainConfigs: z
          .record(domainName, z.object({ spSsoUri: z.url(), spAppUri: z.url(), contacts: contacts.default([]) }).strict())
          .refine((m) => Object.keys(m).length > 0, 'name at least one domain')
          .optional(),
        /** Lifetime (and TTL) of an issued AuthnRequest, seconds. */
        maxttlAuthreq: positiveInt.max(86_400).default(7200),
        /** Largest replay-cache TTL, seconds; assertions valid for longer are refused (`ttl-error`). */
        maxttlAuthresp: positiveInt.max(30 * 86_400).default(7200),
        /**
         * Seconds an instance keeps an IdP it looked up for a login or a SCIM write, and a team's
         * validateSAMLemails status (writes on the same instance clear it at once; other instances
         * see a changed or deleted IdP, or a flipped status, within this time); 0 = off.
         */
        idpCacheSeconds: z.coerce.number().int().min(0).max(300).default(5),
        /** Clock tolerance for every SAML time check (never disables them). */
        clockSkewSeconds: z.coerce.number().int().min(0).max(180).default(60),
        enableIdPByEmailDiscovery: bool.default(false),
        /** PEM RSA key and certificate of the SP, both or neither: AuthnRequests are then signed and encrypted assertions decrypted. */
        spKeyFile: z.string().min(1).optional(),
        spCertFile: z.string().min(1).optional(),
        /** With SP keys: publish the key for encryption in the SP metadata too (off for IdPs that can only encrypt with CBC, e.g. ADFS). */
        publishEncryptionKey: bool.default(true),
        /** Seconds between refreshes of IdP metadata registered by URL (jittered ±10 %); 0 = never. */
        metadataRefreshSeconds: z.coerce
          .number()
          .int()
          .min(0)
          .max(7 * 86_400)
          .default(3600),
        /** Extra trusted CA certificates (PEM file) for fetching IdP metadata, added to Node's roots. */
        metadataCaFile: z.string().min(1).optional(),
        /** Let metadata URLs resolve to loopback addresses (tests only; refused in production). */
        metadataAllowLoopback: bool.default(false),
      })
      .strict()
      .prefault({}),
    rateLimits: z
      .object({
        /** When Redis is down: allow the request and log (true), or refuse with 503 (false). */
        failOpen: bool.default(true),
        loginPerEmail: z
          .object({ limit: positiveInt.default(10), windowSeconds: positiveInt.default(300) })
          .strict()
          .prefault({}),
        loginPerAddress: z
          .object({ limit: positiveInt.default(60), windowSeconds: positiveInt.default(60) })
          .strict()
          .prefault({}),
        /** IdP discovery by email (`/get-domain-registration`, `/sso/login` with an email): lookups per client address. */
        discoveryPerAddress: z
          .object({ limit: positiveInt.default(30), windowSeconds: positiveInt.default(60) })
          .strict()
          .prefault({}),
        /** Password reset requests per account (mails sent) and per client address. */
        passwordResetPerEmail: z
          .object({ limit: positiveInt.default(3), windowSeconds: positiveInt.default(3600) })
          .strict()
          .prefault({}),
        passwordResetPerAddress: z
          .object({ limit: positiveInt.default(30), windowSeconds: positiveInt.default(3600) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Outgoing mail (invitations, email activation, password reset): SMTP, the outbox worker, the links. */
    mail: z
      .object({
        smtp: z
          .object({
            host: z.string().min(1).default('127.0.0.1'),
            port: port.default(1025),
            /** `none`: plain SMTP (a catcher on loopback); `starttls`: upgrade, refuse without; `tls`: TLS from the start (port 465). */
            tls: z.enum(['none', 'starttls', 'tls']).default('starttls'),
            /** Refuse an SMTP server whose certificate does not verify. */
            rejectUnauthorized: bool.default(true),
            /** Extra PEM CA bundle for the SMTP server's certificate. */
            caFile: z.string().min(1).optional(),
            username: z.string().min(1).optional(),
            /** The password itself (prefer `passwordFile`); never logged. */
            password: z.string().min(1).optional(),
            /** A file holding the password (a mounted Secret); read at start, trailing newline dropped. */
            passwordFile: z.string().min(1).optional(),
            /** Milliseconds to connect and for each SMTP reply. */
            timeoutMs: positiveInt.max(120_000).default(10_000),
          })
          .strict()
          .refine((s) => !(s.password && s.passwordFile), { message: 'give password or passwordFile, not both', path: ['passwordFile'] })
          .refine((s) => (s.username === undefined) === (s.password === undefined && s.passwordFile === undefined), {
            message: 'username and a password (or passwordFile) go together',
            path: ['username'],
          })
          .prefault({}),
        /** The From header: an address, or `Name <address>`. */
        from: z
          .string()
          .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address or Name <address>')
          .default('Wire <no-reply@localhost>'),
        /** Public base URL of the links in mails (token-admin's pages); defaults to saml.spAppUri. */
        linkBaseUrl: z.url().optional(),
        worker: z
          .object({
            /** Run the outbox worker in this process (token-admin only; docs/decisions.md, "Who sends mail"). */
            enabled: bool.default(true),
            /** Milliseconds between rounds when the outbox is idle. */
            intervalMs: positiveInt.max(600_000).default(2000),
            /** Sends per mail before it is given up (logged and counted). */
            maxAttempts: positiveInt.max(50).default(8),
            /** Backoff after the first failure, seconds; doubled per failure up to backoffMaxSeconds. */
            backoffBaseSeconds: positiveInt.max(3600).default(30),
            backoffMaxSeconds: positiveInt.max(86_400).default(3600),
            /** How long a worker holds a mail while sending it; another replica takes it over after that. */
            leaseSeconds: positiveInt.max(3600).default(120),
          })
          .strict()
          .prefault({}),
        /** Lifetime of a password reset link, seconds. */
        passwordResetTtlSeconds: positiveInt.max(7 * 86_400).default(3600),
      })
      .strict()
      .prefault({}),
    /** Resolvers for domain verification (host or host:port); empty: the system's. */
    dns: z
      .object({ servers: z.array(z.string().regex(/^[^\s,]+$/, 'host or host:port')).default([]) })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
          .default('redis://127.0.0.1:6379'),
        mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone'),
        /** Sentinel: the master group name; cluster: ignored. */
        sentinelMasterName: z.string().min(1).optional(),
        /** Sentinel or cluster nodes as host:port; for standalone the URL is used. */
        nodes: z.array(z.string().regex(/^[^:]+:\d+$/, 'host:port')).default([]),
      })
      .strict()
      .refine((r) => r.mode !== 'sentinel' || (r.sentinelMasterName && r.nodes.length > 0), {
        message: 'sentinel mode needs sentinelMasterName and nodes',
        path: ['mode'],
      })
      .prefault({}),
  })
  .strict()
  .refine((c) => c.env !== 'production' || !c.saml.metadataAllowLoopback, {
    message: 'must stay off in production (it opens the metadata fetcher to the local host)',
    path: ['saml', 'metadataAllowLoopback'],
  })
  .refine((c) => c.env !== 'production' || c.store.backend !== 'memory', {
    message: 'must be cassandra in production (the memory backend keeps nothing and is not shared between replicas)',
    path: ['store', 'backend'],
  });

export type StoreBackend = Config['store']['backend'];

export type Config = z.infer<typeof configSchema>;
export type AppName = 'saml-sp' | 'scim-api' | 'token-admin';
export const appNames: readonly AppName[] = ['saml-sp', 'scim-api', 'token-admin'];

/** An app's public and internal ports. */
export function appPorts(app: AppName, c: Config): { public: number; internal: number } {
  switch (app) {
    case 'saml-sp':
      return { public: c.ports.samlSp, internal: c.ports.samlSpInternal };
    case 'scim-api':
      return { public: c.ports.scimApi, internal: c.ports.scimApiInternal };
    case 'token-admin':
      return { public: c.ports.tokenAdmin, internal: c.ports.tokenAdminInternal };
  }
}

interface Requirement {
  /** The config key, dotted. */
  path: string;
  message: string;
  /** Which apps need it; `production`: only when env is production. */
  apps: readonly AppName[];
  production: boolean;
  ok: (c: Config) => boolean;
}

/**
 * What each app needs beyond the schema's defaults: an app is refused only what it uses, so
 * scim-api (which signs nothing) runs without the access-token keys. Programs that are no app
 * (migrations, the admin command, the gateway) get none of these.
 */
const appRequirements: readonly Requirement[] = [
  {
    path: 'auth.keysFile',
    message: 'required in production (tokens signed with an ephemeral key die with the process)',
    apps: ['saml-sp', 'token-admin'],
    production: true,
    ok: (c) => c.auth.keysFile !== undefined,
  },
  {
    path: 'scim.cursorKey',
    message: 'required in production (every replica must share it: a cursor signed by one pod is refused by the others)',
    apps: ['scim-api'],
    production: true,
    ok: (c) => c.scim.cursorKey !== undefined,
  },
  ...appNames.map((app): Requirement => ({
    path: `ports.${{ 'saml-sp': 'samlSp', 'scim-api': 'scimApi', 'token-admin': 'tokenAdmin' }[app]}Internal`,
    message: `must differ from ${app}'s public port (internal routes are never served on the public one)`,
    apps: [app],
    production: false,
    ok: (c) => appPorts(app, c).internal !== appPorts(app, c).public,
  })),
];

/** The requirements `app` does not meet, as [path, message]. */
export function unmetRequirements(app: AppName, c: Config): Array<{ path: string; message: string }> {
  return appRequirements
    .filter((r) => r.apps.includes(app) && (!r.production || c.env === 'production') && !r.ok(c))
    .map(({ path, message }) => ({ path, message }));
}
