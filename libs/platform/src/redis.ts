import Redis, { Cluster } from 'ioredis';
import type { Config } from '@sso/config';

export type RedisClient = Redis | Cluster;

/**
 * A Redis client for the configured mode. Commands issued while connecting wait in the offline
 * queue (so the first requests after start are counted too), but never longer than
 * `commandTimeout`: while Redis is down they fail within half a second and the rate limiter
 * decides whether to fail open.
 */
export function createRedis(config: Config['redis']): RedisClient {
  const client = connect(config);
  // While Redis is down ioredis emits an error per reconnection attempt, and without a listener
  // prints each to stderr outside the JSON log. The rate limiter logs every command that fails.
  client.on('error', () => {});
  return client;
}

function connect(config: Config['redis']): RedisClient {
  const common = {
    enableOfflineQueue: true,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
    enableAutoPipelining: true,
  };
  const nodes = config.nodes.map((n) => {
    const [host, port] = n.split(':');
    return { host, port: Number(port) };
  });
  if (config.mode === 'cluster') {
    return new Cluster(nodes.length ? nodes : [new URL(config.url)].map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })), {
      enableOfflineQueue: true,
      enableAutoPipelining: true,
      redisOptions: { ...common, tls: config.url.startsWith('rediss:') ? {} : undefined },
    });
  }
  if (config.mode === 'sentinel') {
    const u = new URL(config.url);
    return new Redis({ ...common, sentinels: nodes, name: config.sentinelMasterName, password: u.password || undefined });
  }
  return new Redis(config.url, common);
}
