import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The deepest JSON body any app accepts (objects and arrays counted together). The deepest
 * document the APIs define is a SCIM PATCH with a complex value (about 6 levels); the validation
 * pipe and class-transformer recurse once per level, and a body nested a few thousand levels deep
 * overflows their stack. 32 leaves room for clients that wrap more than the schemas need.
 */
export const MAX_JSON_DEPTH = 32;

/** The first nesting level above `max`, or 0: a linear scan that skips string contents. */
export function jsonDepthAbove(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return 0;
}

/**
 * A body that is not JSON (or empty where JSON is declared). Fastify's own errors for this are
 * FastifyErrors, which Nest turns into a bare HttpException(400) before any filter sees them; this
 * one reaches the classifier as it is, so it stays a syntax error: `invalidSyntax` in SCIM,
 * `bad-request` in Wire.
 */
export class JsonSyntaxError extends SyntaxError {
  readonly statusCode = 400;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** A SyntaxError with a 400 status, classified as JsonSyntaxError is. */
export class JsonTooDeepError extends SyntaxError {
  readonly statusCode = 400;
  readonly code = 'JSON_TOO_DEEP';
  constructor() {
    super(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** Methods whose requests carry no body by meaning (RFC 9110 §9.3): an empty one is none. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export interface BodyParserOptions {
  /** Media types parsed as JSON besides application/json. */
  jsonContentTypes?: string[];
  /** Media types handed over as the raw string. */
  textContentTypes?: string[];
  /** Accept application/x-www-form-urlencoded (saml-sp's ACS); refused (415) otherwise. */
  formBodies?: boolean;
  /**
   * Route templates that take urlencoded forms when the app as a whole does not (token-admin's
   * set-password pages); every other route still answers a form with 415.
   */
  formRoutes?: string[];
}

/**
 * Every body parser of an app, in one place: JSON (one depth-limited parser for every JSON media
 * type), raw text for the listed types, urlencoded forms only where an app takes them. Nest's
 * own parsers are off (`bodyParser: false`), and Fastify's text/plain default is dropped: a media
 * type no route expects is a 415, not a string handed to a validator.
 */
export function registerBodyParsers(fastify: FastifyInstance, opts: BodyParserOptions): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  for (const type of ['application/json', ...(opts.jsonContentTypes ?? [])]) {
    fastify.addContentTypeParser(type, { parseAs: 'string' }, (req, body, done) => {
      // SAP's SCIM client sends `Content-Type: application/scim+json` on a DELETE without a body;
      // a bodiless request with a content type is a bodiless request, not an empty JSON document.
      if (body === '' && BODILESS_METHODS.has(req.method)) return done(null, undefined);
      if (jsonDepthAbove(body as string, MAX_JSON_DEPTH) > 0) return done(new JsonTooDeepError(), undefined);
      void json(req, body as string, (err, parsed) => {
        if (err)
          return done(new JsonSyntaxError((err as { code?: string }).code ?? 'FST_ERR_CTP_INVALID_JSON_BODY', err.message), undefined);
        done(null, parsed);
      });
    });
  }
  for (const type of opts.textContentTypes ?? []) {
    fastify.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
  if (opts.formBodies || opts.formRoutes?.length) {
    const routes = new Set(opts.formRoutes ?? []);
    fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
      if (!opts.formBodies && !routes.has(req.routeOptions.url ?? '')) {
        return done(
          Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }),
          undefined,
        );
      }
      done(null, parseQueryString(body as string));
    });
  }
}

/** How long an app keeps reading (and discarding) a body it refused before closing the connection. */
export const LINGER_MS = 10_000;

/** Once the answer is out, read and drop the rest of the body, then close if it takes too long. */
function linger(req: FastifyRequest, reply: FastifyReply, ms: number): void {
  reply.raw.once('finish', () => {
    if (req.raw.complete) return;
    const timer = setTimeout(() => req.raw.socket.destroy(), ms);
    timer.unref();
    req.raw.once('end', () => clearTimeout(timer));
    req.raw.resume();
  });
}

/**
 * A body over the limit is answered 413 while the connection stays open: the rest of the body is
 * read and dropped, for at most LINGER_MS (as a web server's lingering close). Fastify closes the
 * connection at once, and a proxy still uploading the body (the dev gateway, an ingress) then
 * fails with EPIPE or a reset and answers 502 instead of passing the 413 on. A declared length
 * is refused before any byte is read; a chunked body when it passes the limit.
 */
export function refuseLargeBodies(fastify: FastifyInstance, bodyLimit: number, lingerMs = LINGER_MS): void {
  fastify.addHook('onRequest', async (req, reply) => {
    if (!(Number(req.headers['content-length']) > bodyLimit)) return;
    linger(req, reply, lingerMs);
    throw Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode === 413 && !req.raw.complete && reply.getHeader('connection') === 'close') {
      reply.removeHeader('connection');
      linger(req, reply, lingerMs);
    }
    done(null, payload);
  });
}
