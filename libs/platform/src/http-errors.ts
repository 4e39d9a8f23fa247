import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { statusOf } from '@sso/domain';
import { classify } from './classify';
import { type ErrorTransport, rendererFor } from './wire-error';

/**
 * Errors Fastify's router raises before any route matched (a path parameter over
 * `maxParamLength`, a path that does not decode). They reach neither the app's error handler nor
 * its hooks, so the body and the headers every answer carries are written here.
 */
export function frameworkErrors(transport?: ErrorTransport) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const error = classify(err);
    const { contentType, body } = rendererFor(transport, req.raw.url ?? '/')(error);
    void reply
      .status(statusOf(error.code))
      .headers({
        'content-type': contentType,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache, no-store',
        'x-request-id': req.id,
      })
      .send(body);
  };
}

/** Node's `clientError` error: `rawPacket` is a Buffer (Fastify's type says otherwise). */
interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
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
export function clientErrorHandler(log?: Logger, transport?: ErrorTransport) {
  return (err: ClientError, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // A parse error without an HPE_ code is still the client's: never a 500 here.
    const classified = classify(err);
    const error =
      statusOf(classified.code) >= 500
        ? { code: 'bad-request' as const, message: `Malformed HTTP request${err.code ? ` (${err.code})` : ''}`, details: {} }
        : classified;
    const status = statusOf(error.code);
    log?.debug({ code: err.code, status }, 'client error before routing');
    // A response of an earlier request on this connection still being written: adding ours
    // would corrupt it.
    if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const { contentType: type, body } = rendererFor(transport, requestTarget(err.rawPacket))(error);
    const reason =
      { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[status] ?? 'Error';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-cache, no-store\r\nConnection: close\r\n\r\n${body}`,
    );
    // Half-closed, so a client still sending reads the answer; gone after a second in any case.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
