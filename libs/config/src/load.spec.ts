import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envBindings, loadConfig } from './load';
import { configSchema } from './schema';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

function yamlFile(text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'config.yaml');
  fs.writeFileSync(f, text);
  return f;
}

describe('loadConfig', () => {
  it('has working defaults for a local install', () => {
    const c = loadConfig({ env: {} });
    expect(c.ports).toEqual({
      gateway: 8080,
      samlSp: 8081,
      scimApi: 8082,
      tokenAdmin: 8083,
      samlSpInternal: 9081,
      scimApiInternal: 9082,
      tokenAdminInternal: 9083,
    });
    expect(c.cassandra.contactPoints).toEqual(['127.0.0.1:9042']);
    expect(c.cassandra.keyspaces).toEqual({ spar: 'spar', brig: 'brig', galley: 'galley' });
    expect(c.cassandra.consistency).toBe('LOCAL_QUORUM');
    expect(c.cassandra.serialConsistency).toBe('LOCAL_SERIAL');
    expect(c.cassandra.replication).toEqual({ class: 'SimpleStrategy', replicationFactor: 1 });
    expect(c.http.bodyLimit).toBe(1024 * 1024);
  });

  it('reads the environment, lists and JSON included', () => {
    const c = loadConfig({
      env: {
        CASSANDRA_CONTACT_POINTS: 'c1:9042, c2:9042',
        CASSANDRA_LOCAL_DATACENTER: 'eu-west',
        CASSANDRA_REPLICATION: '{"class":"NetworkTopologyStrategy","datacenters":{"eu-west":3}}',
        CASSANDRA_TLS_ENABLED: 'true',
        SAML_SP_PORT: '9001',
        HTTP_TRUST_PROXY: '10.0.0.0/8',
      },
    });
    expect(c.cassandra.contactPoints).toEqual(['c1:9042', 'c2:9042']);
    expect(c.cassandra.replication).toEqual({ class: 'NetworkTopologyStrategy', datacenters: { 'eu-west': 3 } });
    expect(c.cassandra.tls.enabled).toBe(true);
    expect(c.ports.samlSp).toBe(9001);
    expect(c.http.trustProxy).toBe('10.0.0.0/8');
  });

  it('names the key and the variable of a bad value', () => {
    const problems = problemsOf(() => loadConfig({ env: { SAML_SP_PORT: 'eighty', LOG_LEVEL: 'chatty' } }));
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('ports.samlSp (env SAML_SP_PORT)'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('log.level (env LOG_LEVEL)'))).toBeDefined();
  });

  it('rejects out-of-range ports, bad keyspace names and half credentials', () => {
    expect(problemsOf(() => loadConfig({ env: { GATEWAY_PORT: '70000' } }))[0]).toMatch(/^ports\.gateway/);
    expect(problemsOf(() => loadConfig({ env: { CASSANDRA_KEYSPACE_SPAR: 'Spar; DROP' } }))[0]).toMatch(/^cassandra\.keyspaces\.spar/);
    expect(problemsOf(() => loadConfig({ env: { CASSANDRA_USERNAME: 'u' } }))[0]).toMatch(/^cassandra\.password.*go together/);
    expect(problemsOf(() => loadConfig({ env: { CASSANDRA_REPLICATION: '{"class":' } }))[0]).toMatch(/CASSANDRA_REPLICATION.*JSON/);
    expect(problemsOf(() => loadConfig({ env: { REDIS_MODE: 'sentinel' } }))[0]).toMatch(/^redis\.mode.*sentinel/);
  });

  it('reads a YAML file, lets the environment override it, and names unknown keys', () => {
    const file = yamlFile('cassandra:\n  localDataCenter: dc-a\nports:\n  scimApi: 9100\n');
    const c = loadConfig({ env: { CONFIG_FILE: file, SCIM_API_PORT: '9200' } });
    expect(c.cassandra.localDataCenter).toBe('dc-a');
    expect(c.ports.scimApi).toBe(9200);

    const bad = yamlFile('cassandra:\n  contactpoints: [x]\n');
    expect(problemsOf(() => loadConfig({ env: {}, file: bad }))[0]).toMatch(/^cassandra \(file .*\): unknown key\(s\) contactpoints/);
    const broken = yamlFile('a: [\n');
    expect(problemsOf(() => loadConfig({ env: {}, file: broken }))[0]).toMatch(/^CONFIG_FILE /);
    expect(problemsOf(() => loadConfig({ env: {}, file: '/nonexistent/x.yaml' }))[0]).toMatch(/ENOENT/);
  });

  it('requires of each app in production what it uses, and nothing else', () => {
    const prod = { APP_ENV: 'production' };
    const keys = { ACCESS_TOKEN_KEYS_FILE: '/etc/sso/access-token-keys/keys' };
    const cursor = { SCIM_CURSOR_KEY: 'a-shared-cursor-key-of-32-chars!' };
    // scim-api signs no tokens: no key file; but replicas must share the cursor key.
    expect(loadConfig({ env: { ...prod, ...cursor }, app: 'scim-api' }).scim.cursorKey).toBe(cursor.SCIM_CURSOR_KEY);
    expect(problemsOf(() => loadConfig({ env: prod, app: 'scim-api' }))).toEqual([
      expect.stringMatching(/^scim\.cursorKey \(default\): required in production .*replica.*\[scim-api\]$/),
    ]);
    for (const app of ['saml-sp', 'token-admin'] as const) {
      expect(loadConfig({ env: { ...prod, ...keys }, app }).auth.keysFile).toBe(keys.ACCESS_TOKEN_KEYS_FILE);
      expect(problemsOf(() => loadConfig({ env: prod, app }))).toEqual([
        expect.stringMatching(new RegExp(`^auth\\.keysFile \\(default\\): required in production.*\\[${app}\\]$`)),
      ]);
    }
    // Outside production, and for programs that are no app (migrations, the admin command), nothing is required.
    for (const app of ['saml-sp', 'scim-api', 'token-admin'] as const) expect(() => loadConfig({ env: {}, app })).not.toThrow();
    expect(() => loadConfig({ env: prod })).not.toThrow();
  });

  it('refuses an internal port equal to the public one, for the app it concerns', () => {
    expect(problemsOf(() => loadConfig({ env: { SCIM_API_INTERNAL_PORT: '8082' }, app: 'scim-api' }))).toEqual([
      expect.stringMatching(/^ports\.scimApiInternal \(env SCIM_API_INTERNAL_PORT\): must differ/),
    ]);
    expect(() => loadConfig({ env: { SCIM_API_INTERNAL_PORT: '8082' }, app: 'token-admin' })).not.toThrow();
    expect(loadConfig({ env: { TOKEN_ADMIN_INTERNAL_PORT: '9999' } }).ports.tokenAdminInternal).toBe(9999);
  });

  it('keeps the stores in Cassandra unless told otherwise, and never in memory in production', () => {
    expect(loadConfig({ env: {} }).store.backend).toBe('cassandra');
    expect(loadConfig({ env: { STORE_BACKEND: 'memory' } }).store.backend).toBe('memory');
    expect(problemsOf(() => loadConfig({ env: { STORE_BACKEND: 'redis' } }))).toEqual([
      expect.stringMatching(/^store\.backend \(env STORE_BACKEND\): /),
    ]);
    expect(problemsOf(() => loadConfig({ env: { APP_ENV: 'production', STORE_BACKEND: 'memory' } }))).toEqual([
      expect.stringMatching(/^store\.backend \(env STORE_BACKEND\): must be cassandra in production/),
    ]);
    expect(loadConfig({ env: { APP_ENV: 'production', STORE_BACKEND: 'cassandra' } }).store.backend).toBe('cassandra');
  });

  it('binds every environment variable to a key the schema knows', () => {
    for (const b of envBindings) expect(schemaAt(b.path), `${b.env} -> ${b.path}`).toBeDefined();
    expect(schemaAt('cassandra.nope')).toBeUndefined();
    expect(new Set(envBindings.map((b) => b.env)).size).toBe(envBindings.length);
  });
});

/** The schema node at a dotted path, looking through optional/default/refine wrappers. */
function schemaAt(path: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- zod's internal definition tree is untyped
  let node: any = configSchema;
  for (const key of path.split('.')) {
    for (;;) {
      const def = node?._zod?.def;
      if (def?.innerType) node = def.innerType;
      else if (def?.type === 'pipe') node = def.out;
      else break;
    }
    node = node?.shape?.[key];
    if (!node) return undefined;
  }
  return node;
}
