import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The metrics of one app: process metrics, HTTP requests by route and status, Cassandra queries.
 * The HTTP metrics carry the label names of Wire's services (spar's wai-prometheus middleware):
 * `handler` (the route template, `N/A` for no route), `method`, `status_code`, so Wire's
 * dashboards and alerts work unchanged.
 */
/** Wire's label for a request that matched no route. */
export const UNMATCHED = 'N/A';
/** Methods kept as they are; anything else (a client may send any token) is counted as OTHER. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template (handler) and status code',
    labelNames: ['method', 'handler', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template (handler) and status code',
    labelNames: ['method', 'handler', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly cassandraDuration = new Histogram({
    name: 'cassandra_query_duration_seconds',
    help: 'Cassandra statement latency, by statement name and outcome',
    labelNames: ['query', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  /** Outbox mail by kind: sent, failed sends (retried later), and given up after the last attempt. */
  readonly mailSent = new Counter({
    name: 'mail_sent_total',
    help: 'Mails the SMTP server accepted, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly mailFailed = new Counter({
    name: 'mail_send_failures_total',
    help: 'Failed mail sends (retried later), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly mailGivenUp = new Counter({
    name: 'mail_given_up_total',
    help: 'Mails dropped after the last attempt, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Change stamps a write could not replace (after one retry): the SCIM user cache is then stale for at most its TTL. */
  readonly stampFailures = new Counter({
    name: 'change_stamp_failures_total',
    help: 'Writes whose change stamps could not be replaced in Redis (the SCIM user cache serves them within its TTL)',
    registers: [this.registry],
  });
  /** scim-api's validated user cache: hits, misses (filled from Cassandra) and bypasses (stamps unreadable). */
  readonly userCache = new Counter({
    name: 'scim_user_cache_total',
    help: 'SCIM user view lookups by the validated cache, by outcome (hit, miss, bypass)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }

  observeQuery = (name: string, seconds: number, ok: boolean): void => {
    this.cassandraDuration.observe({ query: name, outcome: ok ? 'ok' : 'error' }, seconds);
  };

  /**
   * Times every request. `handler` is the route template (`/scim/v2/Users/:id`), never the raw
   * URL, so its values are bounded by the route table; a request no route matched is `N/A`, as
   * in Wire. The API version prefix is stripped before routing, so `/v7/...` counts as `/...`.
   */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (req, reply) => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        handler: req.routeOptions.url ?? UNMATCHED,
        status_code: String(reply.statusCode),
      };
      this.httpRequests.inc(labels);
      this.httpDuration.observe(labels, reply.elapsedTime / 1000);
    });
  }
}
