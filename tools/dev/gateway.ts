// The development gateway on :8080: routes public paths to the apps by the same route table the
// Helm ingress is generated from (libs/config/src/routes.json). Internal routes (/i/...) are
// never routed. Each app may have several upstreams (replicas), as behind a Kubernetes Service:
// requests go round robin to the replicas whose readiness URL (/i/status) answers 200, polled
// twice a second; a request whose connection is refused before any byte was sent, or a GET/HEAD
// whose connection was reset, goes to the next replica (as the ingress's next-upstream rule does).
import { Readable } from 'node:stream';
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AppName, type Config, loadConfig, routeFor } from '@sso/config';
import { DomainError, statusOf } from '@sso/domain';
import { classify, clientErrorHandler, frameworkErrors, renderWireError } from '@sso/platform';

export function upstreams(config: Config): Record<AppName, string> {
  return {
    'saml-sp': `http://127.0.0.1:${config.ports.samlSp}`,
    'scim-api': `http://127.0.0.1:${config.ports.scimApi}`,
    'token-admin': `http://127.0.0.1:${config.ports.tokenAdmin}`,
  };
}

/**
 * A replica: where requests go, and the URL that says whether it takes traffic. A plain URL is
 * probed at `<url>/i/status`, which the apps serve only on their internal port: give them as
 * `{url, ready: "http://127.0.0.1:<internal port>/i/status"}`.
 */
export type Upstream = string | { url: string; ready: string };

/**
 * Several upstreams per app, from `GATEWAY_UPSTREAMS` (JSON: `{"scim-api": ["http://127.0.0.1:9001", ...]}`,
 * an entry may also be `{"url": ..., "ready": ...}`); apps it does not name keep their single port
 * from the config.
 */
export function upstreamsFromEnv(config: Config, env: NodeJS.ProcessEnv = process.env): Record<AppName, Upstream[]> {
  const single = upstreams(config);
  const given = env.GATEWAY_UPSTREAMS ? (JSON.parse(env.GATEWAY_UPSTREAMS) as Partial<Record<AppName, Upstream[]>>) : {};
  return {
    'saml-sp': given['saml-sp'] ?? [single['saml-sp']],
    'scim-api': given['scim-api'] ?? [single['scim-api']],
    'token-admin': given['token-admin'] ?? [single['token-admin']],
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RESET = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const READINESS_INTERVAL_MS = 500;

/** The replicas of one app and which of them are ready; a single replica is never polled. */
class Pool {
  readonly urls: string[];
  private readonly ready: boolean[];
  private next = 0;
  private timer?: NodeJS.Timeout;

  constructor(upstreams: Upstream[]) {
    this.urls = upstreams.map((u) => (typeof u === 'string' ? u : u.url));
    this.ready = upstreams.map(() => true);
    if (upstreams.length < 2) return;
    const probes = upstreams.map((u) => (typeof u === 'string' ? `${u}/i/status` : u.ready));
    this.timer = setInterval(() => {
      probes.forEach((p, i) => {
        fetch(p, { signal: AbortSignal.timeout(READINESS_INTERVAL_MS * 2) }).then(
          (r) => {
            this.ready[i] = r.ok;
            void r.body?.cancel();
          },
          () => (this.ready[i] = false),
        );
      });
    }, READINESS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Round robin over the ready replicas (over all of them when none is ready). */
  pick(): number {
    const n = this.urls.length;
    const start = this.next++ % n;
    for (let k = 0; k < n; k++) if (this.ready[(start + k) % n]) return (start + k) % n;
    return start;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/** Errors that prove the request never reached the upstream: safe to send elsewhere, whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A view of the request body that starts reading it only when the upstream connection asks for
 * data. The HTTP client destroys the body it was given when the connection fails; this view is
 * what gets destroyed, and the body itself stays whole for the next replica.
 */
function lazyBody(source: Readable): { body: Readable; started: () => boolean } {
  let started = false;
  const body = new Readable({
    read() {
      if (started) return void source.resume();
      started = true;
      source.on('data', (chunk) => {
        if (!body.push(chunk)) source.pause();
      });
      source.once('end', () => body.push(null));
      source.once('error', (e) => body.destroy(e));
    },
  });
  return { body, started: () => started };
}

/**
 * What nginx's `$host` is, and so what Wire's nginz sends as `Z-Host`: the Host header's name,
 * lowercase, without port or trailing dot; undefined when there is none.
 */
export function zHostOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '') || undefined;
}

/** Every error the gateway answers itself, in Wire's shape: the apps' classifier and Wire renderer. */
function answerError<R extends { code(status: number): R; type(contentType: string): R; send(body: string): R }>(
  reply: R,
  err: unknown,
): R {
  const e = classify(err);
  const { contentType, body } = renderWireError(e);
  return reply.code(statusOf(e.code)).type(contentType).send(body);
}

const noEndpoint = () => new DomainError('no-endpoint', 'No endpoint at this path');

export async function buildGateway(config: Config, replicas?: Record<AppName, Upstream[]>): Promise<FastifyInstance> {
  const given = replicas ?? upstreamsFromEnv(config, {});
  const pools = Object.fromEntries(Object.entries(given).map(([app, us]) => [app, new Pool(us)])) as Record<AppName, Pool>;
  const app = Fastify({
    logger: false,
    bodyLimit: config.http.bodyLimit,
    routerOptions: { maxParamLength: 512 },
    // What Node cannot parse (headers too large, an unknown method) and what the router refuses,
    // in Wire shape, as the apps do.
    clientErrorHandler: clientErrorHandler(),
    frameworkErrors: frameworkErrors(),
  });
  app.setErrorHandler((err, _req, reply) => answerError(reply, err));
  await app.register(replyFrom, { undici: { connections: 128, pipelining: 1 } });
  // Bodies pass through untouched: the apps parse them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.all('/*', (req, reply) => {
    const target = routeFor(req.url);
    if (!target) return answerError(reply, noEndpoint());
    const pool = pools[target].urls;
    const first = pools[target].pick();
    const original = req.body instanceof Readable ? req.body : undefined;
    // The path only: reply-from refuses any source containing `../`, query included (a valid
    // filter such as `userName eq "../x"`); it forwards the raw query string of req.url as it is.
    const path = req.url.split('?', 1)[0]!;
    const forward = (attempt: number): unknown => {
      const view = original && lazyBody(original);
      if (view) req.body = view.body;
      return reply.from(`${pool[(first + attempt) % pool.length]}${path}`, {
        // As the ingress does: the client's address for the apps (which trust 127.0.0.1 in
        // development), and Z-Host (the request's host, never what the client sent: it picks the
        // SP under multi-ingress); `expect: 100-continue` was already answered here.
        rewriteRequestHeaders: (_req, headers) => {
          const { expect: _expect, 'z-host': _zHost, ...rest } = headers;
          const zHost = zHostOf(req.headers.host);
          const prior = typeof headers['x-forwarded-for'] === 'string' ? `${headers['x-forwarded-for']}, ` : '';
          return {
            ...rest,
            'x-forwarded-for': `${prior}${req.ip}`,
            'x-forwarded-proto': req.protocol,
            'x-forwarded-host': req.headers.host ?? '',
            ...(zHost ? { 'z-host': zHost } : {}),
          };
        },
        onError: (r, { error }) => {
          // reply-from wraps the client's error; the socket's own code is in `cause`.
          const code = (error.cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
          const unsent = code !== undefined && NOT_SENT.has(code) && !view?.started();
          const safe = code !== undefined && RESET.has(code) && SAFE_METHODS.has(req.method);
          if (attempt + 1 < pool.length && (unsent || safe)) return void forward(attempt + 1);
          void answerError(r, new DomainError('bad-upstream', `${target} did not answer: ${error.message}`));
        },
      });
    };
    return forward(0);
  });
  app.all('/', (_req, reply) => answerError(reply, noEndpoint()));
  app.addHook('onClose', async () => Object.values(pools).forEach((p) => p.close()));
  return app;
}

if (require.main === module) {
  const config = loadConfig();
  buildGateway(config, upstreamsFromEnv(config))
    .then((app) => app.listen({ port: config.ports.gateway, host: config.http.host }))
    .then(
      (addr) => process.stderr.write(`[gateway] listening on ${addr}\n`),
      (e: Error) => {
        process.stderr.write(`[gateway] ${e.message}\n`);
        process.exit(1);
      },
    );
}
