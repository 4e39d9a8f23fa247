import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type WireError, wireError } from './wire-error';

/** An app's own error body for a path (scim-api: RFC 7644 errors under /scim/v2), else Wire's. */
export type RawErrorRenderer = (path: string, error: WireError) => { contentType: string; body: string } | undefined;

/**
 * Errors Fastify's router raises before any route matched (a path parameter over
 * `maxParamLength`, a path that does not decode). They reach neither the app's error handler nor
 * its hooks, so the body and the headers every answer carries are written here.
 */
export function frameworkErrors(render?: RawErrorRenderer) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const error =
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? wireError('client-error', 'A path segment is too long (at most 512 characters)', 414)
        : err.code === 'FST_ERR_BAD_URL'
          ? wireError('bad-request', 'The path is not valid percent-encoding')
          : wireError('bad-request', 'Bad request');
    const custom = render?.(req.raw.url ?? '/', error);
    void reply
      .status(error.code)
      .headers({
        'content-type': custom?.contentType ?? 'application/json; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache, no-store',
        'x-request-id': req.id,
      })
      .send(custom?.body ?? JSON.stringify(error));
  };
}

/** Node's `clientError` error: `rawPacket` is a Buffer (Fastify's type says otherwise). */
interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/** The status, label and message of a request Node's HTTP parser refused. */
export function clientErrorAnswer(err: ClientError): WireError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return wireError('client-error', 'Request header fields too large', 431);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return wireError('client-error', 'Request timeout: the request did not arrive in time', 408);
    case 'HPE_INVALID_METHOD':
      return wireError('bad-request', 'Unknown HTTP method');
    case 'HPE_URI_TOO_LONG':
      return wireError('client-error', 'Request URI too long', 414);
    default:
      return wireError('bad-request', `Malformed HTTP request${err.code ? ` (${err.code})` : ''}`);
  }
}

/** The request target of a raw packet's request line, when one arrived before the parse error. */
function requestTarget(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '/';
  const line = raw.toString('latin1', 0, Math.min(raw.length, 2048)).split('\r\n', 1)[0] ?? '';
  return line.split(' ')[1] ?? '/';
}

/**
 * Node's HTTP server reports what it cannot parse (headers too large, an unknown method, a
 * broken request line) through `clientError`, before Fastify sees a request; the default answer
 * is Fastify's own JSON. This one writes the API's error body and closes the connection.
 */
export function clientErrorHandler(log?: Logger, render?: RawErrorRenderer) {
  return (err: ClientError, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const error = clientErrorAnswer(err);
    log?.debug({ code: err.code, status: error.code }, 'client error before routing');
    // A response of an earlier request on this connection still being written: adding ours
    // would corrupt it.
    if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const custom = render?.(requestTarget(err.rawPacket), error);
    const body = custom?.body ?? JSON.stringify(error);
    const type = custom?.contentType ?? 'application/json; charset=utf-8';
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[error.code] ?? 'Error';
    socket.end(
      `HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-cache, no-store\r\nConnection: close\r\n\r\n${body}`,
    );
    // Half-closed, so a client still sending reads the answer; gone after a second in any case.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
