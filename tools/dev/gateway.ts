// The development gateway on :8080: routes public paths to the apps by the same route table the
// Helm ingress is generated from (libs/config/src/routes.json). Internal routes (/i/...) are
// never routed.
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AppName, type Config, loadConfig, routeFor } from '@sso/config';
import { clientErrorHandler } from '@sso/platform';

export function upstreams(config: Config): Record<AppName, string> {
  return {
    'saml-sp': `http://127.0.0.1:${config.ports.samlSp}`,
    'scim-api': `http://127.0.0.1:${config.ports.scimApi}`,
    'token-admin': `http://127.0.0.1:${config.ports.tokenAdmin}`,
  };
}

const noEndpoint = { code: 404, label: 'no-endpoint', message: 'No endpoint at this path' };

export async function buildGateway(config: Config): Promise<FastifyInstance> {
  const targets = upstreams(config);
  const app = Fastify({
    logger: false,
    bodyLimit: config.http.bodyLimit,
    routerOptions: { maxParamLength: 512 },
    // What Node cannot parse (headers too large, an unknown method) in Wire shape, as the apps do.
    clientErrorHandler: clientErrorHandler(),
  });
  await app.register(replyFrom, { undici: { connections: 128, pipelining: 1 } });
  // Bodies pass through untouched: the apps parse them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.all('/*', (req, reply) => {
    const target = routeFor(req.url);
    if (!target) return reply.status(404).send(noEndpoint);
    // The path only: reply-from refuses any source containing `../`, query included (a valid
    // filter such as `userName eq "../x"`); it forwards the raw query string of req.url as it is.
    const path = req.url.split('?', 1)[0]!;
    return reply.from(`${targets[target]}${path}`, {
      // As the ingress does: the client's address for the apps (which trust 127.0.0.1 in
      // development); `expect: 100-continue` was already answered here.
      rewriteRequestHeaders: (_req, headers) => {
        const { expect: _expect, ...rest } = headers;
        const prior = typeof headers['x-forwarded-for'] === 'string' ? `${headers['x-forwarded-for']}, ` : '';
        return {
          ...rest,
          'x-forwarded-for': `${prior}${req.ip}`,
          'x-forwarded-proto': req.protocol,
          'x-forwarded-host': req.headers.host ?? '',
        };
      },
      onError: (r, { error }) => {
        void r
          .status(502)
          .send({ code: 502, label: 'bad-upstream', message: `${target} did not answer: ${error.message}` });
      },
    });
  });
  app.all('/', (_req, reply) => reply.status(404).send(noEndpoint));
  return app;
}

if (require.main === module) {
  const config = loadConfig();
  buildGateway(config)
    .then((app) => app.listen({ port: config.ports.gateway, host: config.http.host }))
    .then(
      (addr) => process.stderr.write(`[gateway] listening on ${addr}\n`),
      (e: Error) => {
        process.stderr.write(`[gateway] ${e.message}\n`);
        process.exit(1);
      },
    );
}
