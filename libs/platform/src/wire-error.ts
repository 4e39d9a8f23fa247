import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, labelOf, statusOf } from '@sso/domain';
import { type ClassifiedError, classify, isServerFault } from './classify';

/** Wire's error body: `{"code":403,"label":"token-limit-reached","message":"..."}`. */
export interface WireError {
  code: number;
  label: string;
  message: string;
}

/** The Wire body of a code (also the OpenAPI examples'): status and label from libs/domain's table. */
export function wireError(code: ErrorCode, message: string): WireError {
  return { code: statusOf(code), label: labelOf(code), message };
}

/** A rendered error body; the status is always the code's, from the table. */
export interface RenderedError {
  contentType: string;
  body: string;
}

/** One transport's error renderer. */
export type ErrorRenderer = (e: ClassifiedError) => RenderedError;

/**
 * The renderer of a path, when an app answers some paths in another shape than Wire's
 * (scim-api: RFC 7644 errors under /scim/v2). `path` is the raw request target.
 */
export type ErrorTransport = (path: string) => ErrorRenderer | undefined;

export const WIRE_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The Wire JSON renderer. */
export const renderWireError: ErrorRenderer = (e) => ({
  contentType: WIRE_CONTENT_TYPE,
  body: JSON.stringify(wireError(e.code, e.message)),
});

/**
 * Answers a Wire error directly, unlogged: for expected answers of `/i/` routes (a readiness probe
 * while draining or while Cassandra is down), which are Wire on every app.
 */
export function sendWireError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const { contentType, body } = renderWireError({ code, message, details: {} });
  return reply.status(statusOf(code)).header('content-type', contentType).send(body);
}

/** The renderer for a path: the app's own for its paths, else Wire's. */
export const rendererFor = (transport: ErrorTransport | undefined, path: string): ErrorRenderer => transport?.(path) ?? renderWireError;

/** Headers an error's details ask for. */
export function detailHeaders(e: ClassifiedError): Record<string, string> {
  return e.details.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.details.retryAfterSeconds) };
}

const ERROR_CODE = Symbol('errorCode');

/** The code an error answer of this request was rendered from (for the activity log), if any. */
export const errorCodeOf = (req: FastifyRequest): ErrorCode | undefined => (req as unknown as Record<symbol, ErrorCode>)[ERROR_CODE];

/** Answers a request with anything thrown: classified, logged when it is our fault, rendered for its path. */
export function replyWithError(req: FastifyRequest, reply: FastifyReply, err: unknown, transport?: ErrorTransport): void {
  const e = classify(err);
  (req as unknown as Record<symbol, ErrorCode>)[ERROR_CODE] = e.code;
  if (isServerFault(e)) req.log.error({ err }, 'request failed');
  const { contentType, body } = rendererFor(transport, req.url)(e);
  void reply.status(statusOf(e.code)).headers(detailHeaders(e)).header('content-type', contentType).send(body);
}

/** The one exception filter of every app: the renderer is chosen by path, not by controller. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly transport?: ErrorTransport) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    replyWithError(ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), err, this.transport);
  }
}
