import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorCode, type ErrorDetails, statusOf } from '@sso/domain';
import { InvalidCursorError, StoreUnavailableError } from '@sso/persistence';

/** Anything thrown, as a code of libs/domain's table: what every error renderer consumes. */
export interface ClassifiedError {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

/** The code of an HTTP status raised by Nest or Fastify (their errors carry no code of ours). */
const codeByStatus: Readonly<Record<number, ErrorCode>> = {
  400: 'bad-request',
  401: 'invalid-token',
  403: 'access-denied',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  414: 'request-uri-too-long',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  431: 'request-header-fields-too-large',
  503: 'service-unavailable',
};

/** A status with no code of its own: any other 4xx is a generic client error (400), else ours (500). */
const codeOfStatus = (status: number): ErrorCode =>
  codeByStatus[status] ?? (status >= 400 && status < 500 ? 'client-error' : 'server-error');

/** Fastify's JSON parse errors (and our depth limit): a syntax error, `invalidSyntax` in SCIM. */
const JSON_SYNTAX = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY', 'JSON_TOO_DEEP']);

/** What Node's HTTP parser and Fastify's router refuse before any route matched. */
function beforeRouting(code: string): ClassifiedError | undefined {
  const c = (code: ErrorCode, message: string): ClassifiedError => ({ code, message, details: {} });
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return c('request-header-fields-too-large', 'Request header fields too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return c('request-timeout', 'Request timeout: the request did not arrive in time');
    case 'HPE_INVALID_METHOD':
      return c('bad-request', 'Unknown HTTP method');
    case 'HPE_URI_TOO_LONG':
      return c('request-uri-too-long', 'Request URI too long');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return c('request-uri-too-long', 'A path segment is too long (at most 512 characters)');
    case 'FST_ERR_BAD_URL':
      return c('bad-request', 'The path is not valid percent-encoding');
    default:
      return code.startsWith('HPE_') ? c('bad-request', `Malformed HTTP request (${code})`) : undefined;
  }
}

/**
 * The one classifier: maps any thrown value to a code, a message for the client and details. A
 * code whose status is 5xx is our fault (or the database's): the caller logs the original error.
 * Unknown values are a 500 whose message reveals nothing.
 */
export function classify(err: unknown): ClassifiedError {
  if (err instanceof DomainError) return { code: err.code, message: err.message, details: err.details };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? [(body as { message: unknown }).message].flat().join('; ')
        : err.message;
    // Nest's answer for a path no route matches.
    const code = status === 404 && /^Cannot [A-Z]+ /.test(err.message) ? 'no-endpoint' : codeOfStatus(status);
    return { code, message, details: {} };
  }
  if (err instanceof InvalidCursorError) return { code: 'invalidCursor', message: err.message, details: {} };
  // Cassandra cannot answer now: retryable, and logged as an error (the operator must know).
  if (err instanceof StoreUnavailableError)
    return { code: 'service-unavailable', message: 'The database is unavailable; try again', details: {} };
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const known = typeof e.code === 'string' ? beforeRouting(e.code) : undefined;
  if (known) return known;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own errors: body too large, malformed JSON, unsupported content type, multipart.
    const syntax = (typeof e.code === 'string' && JSON_SYNTAX.has(e.code)) || (e.statusCode === 400 && err instanceof SyntaxError);
    const message = typeof e.message === 'string' ? e.message : 'Bad request';
    return { code: syntax ? 'invalidSyntax' : codeOfStatus(e.statusCode), message, details: {} };
  }
  return { code: 'server-error', message: 'Internal server error', details: {} };
}

/** Whether an error of this code is ours to log (5xx), not the client's. */
export const isServerFault = (e: ClassifiedError): boolean => statusOf(e.code) >= 500;
