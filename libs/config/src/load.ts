import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type AppName, type Config, appNames, configSchema, unmetRequirements } from './schema';

/** Environment variables and the config path each one sets. One list, also used by the docs. */
export const envBindings: ReadonlyArray<{ env: string; path: string; list?: boolean; json?: boolean }> = [
  { env: 'APP_ENV', path: 'env' },
  { env: 'LOG_LEVEL', path: 'log.level' },
  { env: 'HTTP_HOST', path: 'http.host' },
  { env: 'HTTP_BODY_LIMIT', path: 'http.bodyLimit' },
  { env: 'HTTP_SHUTDOWN_GRACE_SECONDS', path: 'http.shutdownGraceSeconds' },
  { env: 'HTTP_TRUST_PROXY', path: 'http.trustProxy' },
  { env: 'HTTP_DRAIN_SECONDS', path: 'http.drainSeconds' },
  { env: 'GATEWAY_PORT', path: 'ports.gateway' },
  { env: 'SAML_SP_PORT', path: 'ports.samlSp' },
  { env: 'SCIM_API_PORT', path: 'ports.scimApi' },
  { env: 'TOKEN_ADMIN_PORT', path: 'ports.tokenAdmin' },
  { env: 'SAML_SP_INTERNAL_PORT', path: 'ports.samlSpInternal' },
  { env: 'SCIM_API_INTERNAL_PORT', path: 'ports.scimApiInternal' },
  { env: 'TOKEN_ADMIN_INTERNAL_PORT', path: 'ports.tokenAdminInternal' },
  { env: 'STORE_BACKEND', path: 'store.backend' },
  { env: 'CASSANDRA_CONTACT_POINTS', path: 'cassandra.contactPoints', list: true },
  { env: 'CASSANDRA_LOCAL_DATACENTER', path: 'cassandra.localDataCenter' },
  { env: 'CASSANDRA_USERNAME', path: 'cassandra.username' },
  { env: 'CASSANDRA_PASSWORD', path: 'cassandra.password' },
  { env: 'CASSANDRA_TLS_ENABLED', path: 'cassandra.tls.enabled' },
  { env: 'CASSANDRA_TLS_CA_FILE', path: 'cassandra.tls.caFile' },
  { env: 'CASSANDRA_TLS_CERT_FILE', path: 'cassandra.tls.certFile' },
  { env: 'CASSANDRA_TLS_KEY_FILE', path: 'cassandra.tls.keyFile' },
  { env: 'CASSANDRA_TLS_REJECT_UNAUTHORIZED', path: 'cassandra.tls.rejectUnauthorized' },
  { env: 'CASSANDRA_KEYSPACE_SPAR', path: 'cassandra.keyspaces.spar' },
  { env: 'CASSANDRA_KEYSPACE_BRIG', path: 'cassandra.keyspaces.brig' },
  { env: 'CASSANDRA_KEYSPACE_GALLEY', path: 'cassandra.keyspaces.galley' },
  { env: 'CASSANDRA_REPLICATION', path: 'cassandra.replication', json: true },
  { env: 'CASSANDRA_CONSISTENCY', path: 'cassandra.consistency' },
  { env: 'CASSANDRA_SERIAL_CONSISTENCY', path: 'cassandra.serialConsistency' },
  { env: 'CASSANDRA_REQUEST_TIMEOUT_MS', path: 'cassandra.requestTimeoutMs' },
  { env: 'CASSANDRA_CONNECT_TIMEOUT_MS', path: 'cassandra.connectTimeoutMs' },
  { env: 'CASSANDRA_SPECULATIVE_DELAY_MS', path: 'cassandra.speculativeDelayMs' },
  { env: 'CASSANDRA_RETRY_BUDGET_MS', path: 'cassandra.retryBudgetMs' },
  { env: 'ACCESS_TOKEN_KEYS_FILE', path: 'auth.keysFile' },
  { env: 'ACCESS_TOKEN_TTL_SECONDS', path: 'auth.accessTokenTtlSeconds' },
  { env: 'COOKIE_SECURE', path: 'auth.cookieSecure' },
  { env: 'COOKIE_DOMAIN', path: 'auth.cookieDomain' },
  { env: 'TRUSTED_Z_USER_PROXIES', path: 'auth.trustedZUserProxies', list: true },
  { env: 'MAX_SCIM_TOKENS', path: 'scim.maxScimTokens' },
  { env: 'SCIM_BASE_URI', path: 'scim.baseUri' },
  { env: 'SCIM_RICH_INFO_LIMIT', path: 'scim.richInfoLimit' },
  { env: 'SCIM_MAX_RESULTS', path: 'scim.maxResults' },
  { env: 'SCIM_CURSOR_KEY', path: 'scim.cursorKey' },
  { env: 'SCIM_PATCH_RESPONSE', path: 'scim.patchResponse' },
  { env: 'SCIM_TOKEN_CACHE_SECONDS', path: 'scim.tokenCacheSeconds' },
  { env: 'SCIM_USER_CACHE_SECONDS', path: 'scim.userCacheSeconds' },
  { env: 'SCIM_USER_CACHE_ENTRIES', path: 'scim.userCacheEntries' },
  { env: 'SCIM_TOKEN_RATE_LIMIT', path: 'scim.tokenRateLimit' },
  { env: 'SCIM_TOKEN_RATE_BURST', path: 'scim.tokenRateBurst' },
  { env: 'SCIM_TOKEN_MAX_LIFETIME_DAYS', path: 'scim.maxTokenLifetimeDays' },
  { env: 'SCIM_TOKEN_EXPIRY_WARNING_DAYS', path: 'scim.tokenExpiryWarningDays' },
  { env: 'SCIM_BULK_MAX_OPERATIONS', path: 'scim.bulkMaxOperations' },
  { env: 'SCIM_BULK_MAX_PAYLOAD_SIZE', path: 'scim.bulkMaxPayloadSize' },
  { env: 'ACTIVITY_TTL_DAYS', path: 'activity.ttlDays' },
  { env: 'ACTIVITY_QUEUE_SIZE', path: 'activity.queueSize' },
  { env: 'ACTIVITY_BATCH_DELAY_MS', path: 'activity.batchDelayMs' },
  { env: 'FEATURE_SSO', path: 'features.sso' },
  { env: 'FEATURE_VALIDATE_SAML_EMAILS', path: 'features.validateSAMLemails' },
  { env: 'INVITATION_TIMEOUT_SECONDS', path: 'invitations.timeoutSeconds' },
  { env: 'ACTIVATION_TIMEOUT_SECONDS', path: 'invitations.activationTimeoutSeconds' },
  { env: 'DEFAULT_LOCALE', path: 'defaultLocale' },
  { env: 'SAML_SP_SSO_URI', path: 'saml.spSsoUri' },
  { env: 'SAML_SP_APP_URI', path: 'saml.spAppUri' },
  { env: 'SAML_CONTACTS', path: 'saml.contacts', json: true },
  { env: 'SAML_SP_DOMAIN_CONFIGS', path: 'saml.spDomainConfigs', json: true },
  { env: 'SAML_MAXTTL_AUTHREQ', path: 'saml.maxttlAuthreq' },
  { env: 'SAML_MAXTTL_AUTHRESP', path: 'saml.maxttlAuthresp' },
  { env: 'SAML_CLOCK_SKEW_SECONDS', path: 'saml.clockSkewSeconds' },
  { env: 'SAML_IDP_CACHE_SECONDS', path: 'saml.idpCacheSeconds' },
  { env: 'SAML_ENABLE_IDP_BY_EMAIL_DISCOVERY', path: 'saml.enableIdPByEmailDiscovery' },
  { env: 'SAML_SP_KEY_FILE', path: 'saml.spKeyFile' },
  { env: 'SAML_SP_CERT_FILE', path: 'saml.spCertFile' },
  { env: 'SAML_PUBLISH_ENCRYPTION_KEY', path: 'saml.publishEncryptionKey' },
  { env: 'SAML_METADATA_REFRESH_SECONDS', path: 'saml.metadataRefreshSeconds' },
  { env: 'SAML_METADATA_CA_FILE', path: 'saml.metadataCaFile' },
  { env: 'SAML_METADATA_ALLOW_LOOPBACK', path: 'saml.metadataAllowLoopback' },
  { env: 'RATE_LIMIT_FAIL_OPEN', path: 'rateLimits.failOpen' },
  { env: 'RATE_LIMIT_LOGIN_PER_EMAIL', path: 'rateLimits.loginPerEmail.limit' },
  { env: 'RATE_LIMIT_LOGIN_PER_ADDRESS', path: 'rateLimits.loginPerAddress.limit' },
  { env: 'RATE_LIMIT_DISCOVERY_PER_ADDRESS', path: 'rateLimits.discoveryPerAddress.limit' },
  { env: 'DNS_SERVERS', path: 'dns.servers', list: true },
  { env: 'RATE_LIMIT_PASSWORD_RESET_PER_EMAIL', path: 'rateLimits.passwordResetPerEmail.limit' },
  { env: 'RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS', path: 'rateLimits.passwordResetPerAddress.limit' },
  { env: 'MAIL_SMTP_HOST', path: 'mail.smtp.host' },
  { env: 'MAIL_SMTP_PORT', path: 'mail.smtp.port' },
  { env: 'MAIL_SMTP_TLS', path: 'mail.smtp.tls' },
  { env: 'MAIL_SMTP_REJECT_UNAUTHORIZED', path: 'mail.smtp.rejectUnauthorized' },
  { env: 'MAIL_SMTP_CA_FILE', path: 'mail.smtp.caFile' },
  { env: 'MAIL_SMTP_USERNAME', path: 'mail.smtp.username' },
  { env: 'MAIL_SMTP_PASSWORD', path: 'mail.smtp.password' },
  { env: 'MAIL_SMTP_PASSWORD_FILE', path: 'mail.smtp.passwordFile' },
  { env: 'MAIL_SMTP_TIMEOUT_MS', path: 'mail.smtp.timeoutMs' },
  { env: 'MAIL_FROM', path: 'mail.from' },
  { env: 'MAIL_LINK_BASE_URL', path: 'mail.linkBaseUrl' },
  { env: 'MAIL_WORKER_ENABLED', path: 'mail.worker.enabled' },
  { env: 'MAIL_WORKER_INTERVAL_MS', path: 'mail.worker.intervalMs' },
  { env: 'MAIL_WORKER_MAX_ATTEMPTS', path: 'mail.worker.maxAttempts' },
  { env: 'MAIL_WORKER_BACKOFF_BASE_SECONDS', path: 'mail.worker.backoffBaseSeconds' },
  { env: 'MAIL_WORKER_BACKOFF_MAX_SECONDS', path: 'mail.worker.backoffMaxSeconds' },
  { env: 'MAIL_WORKER_LEASE_SECONDS', path: 'mail.worker.leaseSeconds' },
  { env: 'MAIL_RESET_LINK_TTL_SECONDS', path: 'mail.passwordResetTtlSeconds' },
  { env: 'REDIS_URL', path: 'redis.url' },
  { env: 'REDIS_MODE', path: 'redis.mode' },
  { env: 'REDIS_SENTINEL_MASTER_NAME', path: 'redis.sentinelMasterName' },
  { env: 'REDIS_NODES', path: 'redis.nodes', list: true },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[k] = {};
    node = node[k] as Tree;
  }
  node[keys[keys.length - 1]] = value;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** A YAML file; defaults to $CONFIG_FILE. Environment variables override it. */
  file?: string;
  /** Values that override both (tests). */
  overrides?: Record<string, unknown>;
  /** The app the configuration is for: its own requirements (appRequirements) are checked too. */
  app?: AppName;
}

/**
 * Reads the YAML file (if any), then the environment, validates the whole, and throws a
 * ConfigError naming every bad key (and the variable or file that set it).
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.CONFIG_FILE;
  const problems: string[] = [];
  const source = new Map<string, string>();
  let tree: Tree = {};

  if (file) {
    try {
      const parsed: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${file}: the top level must be a mapping`);
        else tree = parsed as Tree;
      }
    } catch (e) {
      problems.push(`CONFIG_FILE ${file}: ${(e as Error).message}`);
    }
  }

  for (const b of envBindings) {
    const raw = env[b.env];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (b.list)
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (b.json) {
      try {
        value = JSON.parse(raw);
      } catch {
        problems.push(`${b.path} (env ${b.env}): not valid JSON`);
        continue;
      }
    }
    setPath(tree, b.path, value);
    source.set(b.path, `env ${b.env}`);
  }
  for (const [path, value] of Object.entries(opts.overrides ?? {})) setPath(tree, path, value);

  const result = configSchema.safeParse(tree);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.') || '(root)';
      // A JSON variable sets a whole subtree: name it for a problem deep inside too.
      const set = [...source.keys()].find((k) => path === k || path.startsWith(`${k}.`));
      const from = (set && source.get(set)) ?? (file ? `file ${file}` : 'default');
      problems.push(`${path} (${from}): ${describe(issue)}`);
    }
  } else if (opts.app) {
    for (const r of unmetRequirements(opts.app, result.data as Config)) {
      problems.push(`${r.path} (${source.get(r.path) ?? (file ? `file ${file}` : 'default')}): ${r.message} [${opts.app}]`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data as Config;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  // A bad map key (saml.spDomainConfigs): say what a key must be, not only that it is wrong.
  if (issue.code === 'invalid_key') return `bad key: ${issue.issues.map((i) => i.message).join('; ')}`;
  return issue.message;
}

/** For entry points: the configuration, or a message naming every bad key and exit code 78. */
export function loadConfigOrExit(program: string): Config {
  try {
    const app = (appNames as readonly string[]).includes(program) ? (program as AppName) : undefined;
    return loadConfig({ app });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${program}: ${e.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
