import http from 'node:http';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '@sso/domain';

/**
 * Internal routes (`/i/...`: status, metrics, team bootstrap, SSO settings) are served on a second
 * port that no Service or Ingress routes to, and only there. Both ports share one Fastify app: the
 * internal server hands its requests to Fastify's own handler, marked as internal, and a hook
 * answers 404 to an internal route on the public port and to any other route on the internal one.
 * Requests made in process (`app.inject()`, tests) have no real socket and reach every route.
 */
const INTERNAL = Symbol('sso.internalPort');
type Marked = http.IncomingMessage & { [INTERNAL]?: true };

export function isInternalPath(url: string): boolean {
  const path = url.split('?', 1)[0];
  return path === '/i' || path.startsWith('/i/');
}

export function separateInternalRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req) => {
    if (!(req.raw.socket instanceof net.Socket)) return;
    const onInternalPort = (req.raw as Marked)[INTERNAL] === true;
    // The matched route's pattern, not only the raw URL: the router decodes (`/%69/status`).
    const internalRoute = isInternalPath(req.url) || isInternalPath(req.routeOptions.url ?? '');
    if (onInternalPort === internalRoute) return;
    // The same answer as an unknown route: the public port does not reveal that /i/ exists.
    throw new DomainError('no-endpoint', `Cannot ${req.method} ${req.url.split('?', 1)[0]}`);
  });
}

/** Listens on the internal port with the (ready) app's handler; resolves once listening. */
export async function listenInternal(fastify: FastifyInstance, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    (req as Marked)[INTERNAL] = true;
    fastify.routing(req, res);
  });
  server.keepAliveTimeout = fastify.server.keepAliveTimeout;
  server.requestTimeout = fastify.server.requestTimeout;
  // Errors before routing (431, 414, garbage) answer in the API's shape here too.
  for (const listener of fastify.server.listeners('clientError')) server.on('clientError', listener as (...a: unknown[]) => void);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
