import Redis, { Cluster } from 'ioredis';
import type { Config } from '@sso/config';

export type RedisClient = Redis | Cluster;

/**
 * A Redis client for the configured mode. Commands fail fast while Redis is unreachable (no
 * offline queue, one retry), so a rate limiter can decide to fail open instead of hanging.
 */
export function createRedis(config: Config['redis']): RedisClient {
  const common = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false };
  const nodes = config.nodes.map((n) => {
    const [host, port] = n.split(':');
    return { host, port: Number(port) };
  });
  if (config.mode === 'cluster') {
    return new Cluster(nodes.length ? nodes : [new URL(config.url)].map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })), {
      enableOfflineQueue: false,
      redisOptions: { ...common, tls: config.url.startsWith('rediss:') ? {} : undefined },
    });
  }
  if (config.mode === 'sentinel') {
    const u = new URL(config.url);
    return new Redis({ ...common, sentinels: nodes, name: config.sentinelMasterName, password: u.password || undefined });
  }
  return new Redis(config.url, common);
}
