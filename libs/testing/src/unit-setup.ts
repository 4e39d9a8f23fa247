// The unit tier's guard (vitest project `unit`): Cassandra and Redis clients cannot be made, so a
// unit test that reaches for either fails at once with the rule, instead of waiting for a
// connection timeout or, worse, passing against a node that happens to run on this machine.
import { vi } from 'vitest';

const rule = (what: string) =>
  new Error(
    `unit tier: this test opened a ${what} client. Unit tests run on the memory twins ` +
      `(STORE_BACKEND=memory, memoryTestConfig); a test that needs ${what} belongs to the integration tier: ` +
      `name it *.${what === 'Cassandra' ? 'cassandra' : 'redis'}.spec.ts or put it in apps/<app>/test/, e2e/ or helm/test/ (docs/development.md, "Tests").`,
  );

vi.mock('cassandra-driver', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown> & { default: Record<string, unknown> }>();
  class Client {
    constructor() {
      throw rule('Cassandra');
    }
  }
  return { ...real, Client, default: { ...real.default, Client } };
});

vi.mock('ioredis', async (importOriginal) => {
  const real = await importOriginal<typeof import('ioredis')>();
  class Redis {
    constructor() {
      throw rule('Redis');
    }
  }
  class Cluster extends Redis {}
  return { ...real, Redis, Cluster, default: Redis };
});
