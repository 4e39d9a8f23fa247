import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type DynamicModule, type LoggerService, Module, type Type, ValidationPipe } from '@nestjs/common';
import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { type AppName, type Config, appPorts, loadConfigOrExit } from '@sso/config';
import { DomainError } from '@sso/domain';
import { stripApiVersion } from './api-version';
import { refuseLargeBodies, registerBodyParsers } from './body-parsers';
import { refuseQueryCredentials, securityHeaders } from './hardening';
import { clientErrorHandler, frameworkErrors } from './http-errors';
import { closeServer, listenInternal, separateInternalRoutes } from './internal-port';
import { createLogger, withRedaction } from './logger';
import { Metrics } from './metrics';
import { finishDocument } from './openapi';
import { PlatformModule } from './platform.module';
import { ErrorFilter, type ErrorTransport, sendWireError } from './wire-error';

export interface AppSpec {
  name: AppName;
  title: string;
  description: string;
  /** The app's own feature modules; the platform module is added to them. */
  imports: Array<Type | DynamicModule>;
  port: (config: Config) => number;
  /** Media types parsed as JSON besides application/json (SCIM: application/scim+json). */
  jsonContentTypes?: string[];
  /** Media types handed to controllers as the raw body string (saml-sp: IdP metadata as application/xml). */
  textContentTypes?: string[];
  /**
   * Accept `multipart/form-data` with text fields only, as the parsed object urlencoded forms give
   * (saml-sp: spar's ACS takes both). A file part, or more than a few fields, is refused (413).
   */
  multipartFields?: boolean;
  /** Accept application/x-www-form-urlencoded bodies (saml-sp's ACS); elsewhere they are a 415. */
  formBodies?: boolean;
  /** Only these route templates take urlencoded forms (token-admin's set-password pages). */
  formRoutes?: string[];
  /**
   * Serve `/path/` as `/path` (scim-api: the admin manual's search command asks for
   * `/scim/v2/Users/?filter=...`, and curl without -L prints nothing of a redirect).
   */
  ignoreTrailingSlash?: boolean;
  /**
   * The app's own error renderer for some paths (scim-api: RFC 7644 errors under /scim/v2), used
   * for every error there, from Node's HTTP parser to the controllers; Wire JSON elsewhere.
   */
  errorTransport?: ErrorTransport;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface VersionedRequest extends IncomingMessage {
  apiVersion?: number;
  apiVersionUnsupported?: boolean;
}

/** Nest's own log lines (route mapping, lifecycle) go to the same JSON logger. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
}

/** Builds an app (not listening): used by main.ts and by end-to-end tests with `inject`. */
export async function createApp(
  spec: AppSpec,
  config: Config,
  given: Logger = createLogger(spec.name, config),
): Promise<NestFastifyApplication> {
  const logger = withRedaction(given);
  const metrics = new Metrics(spec.name);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: spec.ignoreTrailingSlash ?? false },
    frameworkErrors: frameworkErrors(spec.errorTransport),
    clientErrorHandler: clientErrorHandler(logger, spec.errorTransport),
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'] ?? req.headers['request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Every public route also answers under /vN (Wire's API versions).
    rewriteUrl: (req: IncomingMessage) => {
      const r = req as VersionedRequest;
      const v = stripApiVersion(req.url ?? '/');
      r.apiVersion = v.version;
      r.apiVersionUnsupported = v.unsupported;
      return v.unsupported ? (req.url ?? '/') : v.url;
    },
  });
  const fastify = adapter.getInstance();
  registerBodyParsers(fastify, spec);
  refuseLargeBodies(fastify, config.http.bodyLimit);
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if ((req.raw as VersionedRequest).apiVersionUnsupported)
      throw new DomainError('unsupported-version', 'This API version is not supported');
  });
  separateInternalRoutes(fastify);
  // Synchronous: an async onSend hook lets a handler that sends without returning the reply
  // (swagger's) be answered twice.
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('cache-control', 'no-cache, no-store');
    reply.header('pragma', 'no-cache');
    done(null, payload);
  });
  refuseQueryCredentials(fastify);
  securityHeaders(fastify);
  metrics.instrument(fastify);

  @Module({ imports: [PlatformModule.forRoot({ app: spec.name, config, logger, metrics }), ...spec.imports] })
  class RootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // registerBodyParsers holds every parser (depth-limited JSON, forms only where an app wants them).
    bodyParser: false,
  });
  if (spec.multipartFields) await acceptMultipartFields(app, config);
  app.useGlobalFilters(new ErrorFilter(spec.errorTransport));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true, stopAtFirstError: false }));

  const doc = finishDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle(spec.title).setDescription(spec.description).setVersion('0').addBearerAuth().build(),
    ),
  );
  serveOpenApi(app, spec.name, doc);
  return app;
}

/**
 * The OpenAPI document at /api-docs/<app>/openapi.json. Served by a route of our own: swagger's
 * handler sends without returning the reply, so with any asynchronous hook Fastify answered
 * twice (ERR_HTTP_HEADERS_SENT in the log, a 500 in the metrics).
 */
function serveOpenApi(app: NestFastifyApplication, name: AppName, doc: OpenAPIObject): void {
  const body = JSON.stringify(doc);
  app
    .getHttpAdapter()
    .getInstance()
    .get(`/api-docs/${name}/openapi.json`, (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
}

/**
 * Text fields of a multipart body become `req.body`, as for urlencoded forms. busboy reports a
 * truncated or malformed body as a plain Error, which would otherwise end as a 500.
 */
async function acceptMultipartFields(app: NestFastifyApplication, config: Config): Promise<void> {
  await app.register(fastifyMultipart as never, {
    limits: { files: 0, fields: 8, parts: 8, headerPairs: 32, fieldSize: config.http.bodyLimit },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (req) => {
      if (!req.isMultipart()) return;
      const fields: Record<string, string> = {};
      try {
        for await (const part of req.parts()) if (part.type === 'field') fields[part.fieldname] = String(part.value);
      } catch (e) {
        if (typeof (e as { statusCode?: unknown }).statusCode === 'number') throw e;
        throw Object.assign(new Error(`Malformed multipart body: ${(e as Error).message}`), {
          statusCode: 400,
          code: 'MULTIPART_MALFORMED',
        });
      }
      req.body = fields;
    });
}

/**
 * Draining after SIGTERM: /i/status answers 503 at once (the readiness probe fails, so the load
 * balancer stops routing here) while every request that still arrives is served, each with
 * `Connection: close` so that keep-alive connections end cleanly instead of being cut when the
 * listener closes. Added to the app by runApp; tests drive it through `start()`.
 */
export class Drain {
  draining = false;

  install(app: NestFastifyApplication): void {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onRequest', async (req, reply) => {
      if (this.draining && req.url.split('?')[0] === '/i/status') {
        // Sent, not thrown: a probe during the drain is expected, not an error to log.
        await sendWireError(reply, 'service-unavailable', 'shutting down: draining');
      }
    });
    // Synchronous, as the platform's other onSend hooks.
    fastify.addHook('onSend', (_req, reply, payload, done) => {
      if (this.draining) reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /** Starts draining; resolves after `seconds`, when the listeners may close. */
  start(app: NestFastifyApplication, seconds: number, internal?: Server): Promise<void> {
    this.draining = true;
    // Idle keep-alive connections would otherwise stay open, and be cut by close() later.
    app.getHttpServer().closeIdleConnections?.();
    internal?.closeIdleConnections();
    return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

/**
 * The main of every app: validated config, listen, and a graceful stop. SIGTERM (Kubernetes)
 * drains for `http.drainSeconds` first; SIGINT (Ctrl-C) does not. Then in-flight requests get
 * `http.shutdownGraceSeconds` to finish.
 */
export async function runApp(spec: AppSpec): Promise<void> {
  const config = loadConfigOrExit(spec.name);
  const logger = createLogger(spec.name, config);
  const app = await createApp(spec, config, logger);
  const drain = new Drain();
  drain.install(app);
  const port = spec.port(config);
  await app.listen(port, config.http.host);
  const internalPort = appPorts(spec.name, config).internal;
  const internal = await listenInternal(app.getHttpAdapter().getInstance(), internalPort, config.http.host);
  logger.info({ port, internalPort }, `${spec.name} listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drainSeconds = signal === 'SIGTERM' ? config.http.drainSeconds : 0;
    if (drainSeconds > 0) {
      logger.info({ signal, drainSeconds }, 'draining: /i/status answers 503, requests are still served');
      await drain.start(app, drainSeconds, internal);
    }
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.http.shutdownGraceSeconds * 1000).unref();
    Promise.all([closeServer(internal), app.close()]).then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
