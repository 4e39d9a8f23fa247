// The unit tier's guard (unit-setup.ts): reaching for Cassandra or Redis fails at once, with the rule.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { CassandraDb, openStores } from '@sso/persistence';
import { type AppSpec, StoresModule, createApp, createRedis } from '@sso/platform';

const app: AppSpec = { name: 'scim-api', title: 't', description: 't', imports: [StoresModule.forRoot()], port: (c) => c.ports.scimApi };

describe('the unit tier', () => {
  it('refuses a Cassandra client, naming the integration tier', () => {
    expect(() => new CassandraDb(loadConfig({ env: {} }).cassandra)).toThrow(/unit tier: .*Cassandra.*\*\.cassandra\.spec\.ts/);
    expect(() => openStores({ backend: 'cassandra', cassandra: loadConfig({ env: {} }).cassandra, loginCacheSeconds: 0 })).toThrow(
      /unit tier/,
    );
  });

  it('refuses a Redis client', () => {
    expect(() => createRedis(loadConfig({ env: {} }).redis)).toThrow(/unit tier: .*Redis.*\*\.redis\.spec\.ts/);
  });

  it('fails an app booted on the Cassandra backend at once, instead of waiting for a node', async () => {
    const t0 = Date.now();
    await expect(createApp(app, loadConfig({ env: { LOG_LEVEL: 'silent' } })).then((a) => a.init())).rejects.toThrow(/unit tier/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
