import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '@sso/domain';
import { InvalidCursorError, StoreUnavailableError } from '@sso/persistence';
import { errorStatus } from './error-status';

/** Wire's error body: `{"code":403,"label":"token-limit-reached","message":"..."}`. */
export interface WireError {
  code: number;
  label: string;
  message: string;
}

export function wireError(code: ErrorCode, message: string, status = errorStatus[code]): WireError {
  return { code: status, label: code, message };
}

const labelByStatus: Record<number, ErrorCode> = {
  400: 'bad-request',
  401: 'invalid-token',
  403: 'access-denied',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  503: 'service-unavailable',
};

/** Turns anything thrown into a Wire error body; 500 only for what really is our fault. */
export function toWireError(err: unknown): { error: WireError; internal: boolean } {
  if (err instanceof DomainError) return { error: wireError(err.code, err.message), internal: errorStatus[err.code] >= 500 };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const label =
      typeof body === 'object' && body !== null && typeof (body as { label?: unknown }).label === 'string'
        ? (body as { label: string }).label
        : status === 404 && /^Cannot [A-Z]+ /.test(err.message)
          ? 'no-endpoint'
          : (labelByStatus[status] ?? (status >= 500 ? 'server-error' : 'client-error'));
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? [(body as { message: unknown }).message].flat().join('; ')
        : err.message;
    return { error: { code: status, label, message }, internal: status >= 500 };
  }
  if (err instanceof InvalidCursorError) return { error: wireError('bad-request', err.message), internal: false };
  // Cassandra cannot answer now: retryable, and logged as an error (the operator must know).
  if (err instanceof StoreUnavailableError) return { error: wireError('service-unavailable', 'The database is unavailable; try again'), internal: true };
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own parsing errors: body too large, malformed JSON, unsupported content type.
    const label = fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'bad-request' : (labelByStatus[fe.statusCode] ?? 'client-error');
    return { error: { code: fe.statusCode, label, message: fe.message ?? 'bad request' }, internal: false };
  }
  return { error: wireError('server-error', 'Internal server error'), internal: true };
}

/** The one filter for Wire-style routes. */
@Catch()
export class WireErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const { error, internal } = toWireError(err);
    if (internal) req.log.error({ err }, 'request failed');
    if (err instanceof DomainError) void reply.headers(err.headers);
    void reply.status(error.code).header('content-type', 'application/json; charset=utf-8').send(error);
  }
}
