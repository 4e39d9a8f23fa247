import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@sso/domain';
import { InvalidCursorError, StoreUnavailableError } from '@sso/persistence';
import { type RawErrorRenderer, errorStatus } from '@sso/platform';
import { type ScimErrorBody, ScimError, scimErrorBody } from '@sso/scim';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Anything thrown, as an RFC 7644 §3.12 error; `internal` marks our own faults (500). */
export function toScimError(err: unknown): { body: ScimErrorBody; status: number; internal: boolean; headers: Record<string, string> } {
  const out = (status: number, detail: string, scimType?: ScimError['scimType'], headers: Record<string, string> = {}) => ({
    body: scimErrorBody({ status, detail, scimType }),
    status,
    internal: status >= 500,
    headers,
  });
  if (err instanceof ScimError) return out(err.status, err.detail, err.scimType);
  if (err instanceof DomainError) return out(errorStatus[err.code], err.message, undefined, { ...err.headers });
  if (err instanceof InvalidCursorError) return out(400, err.message, 'invalidCursor');
  if (err instanceof StoreUnavailableError) return out(503, 'The database is unavailable; try again');
  if (err instanceof HttpException) {
    const body = err.getResponse();
    const message = typeof body === 'object' && body !== null && 'message' in body ? [(body as { message: unknown }).message].flat().join('; ') : err.message;
    return out(err.getStatus(), message);
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const syntax = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError);
    return out(fe.statusCode, fe.message ?? 'Bad request', syntax ? 'invalidSyntax' : undefined);
  }
  return out(500, 'Internal server error');
}

/** The SCIM error filter of the scim-api controllers (controller-level, so it wins over the Wire one). */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const e = toScimError(err);
    if (e.internal) req.log.error({ err }, 'request failed');
    void reply.headers(e.headers);
    void reply.status(e.status).header('content-type', SCIM_CONTENT_TYPE).send(e.body);
  }
}

const isScimPath = (url: string) => /^(\/v\d+)?\/scim\/v2(\/|\?|$)/i.test(url);

/** Errors of Node's HTTP parser (431, a broken request line) on a SCIM path, as SCIM errors. */
export const scimRawError: RawErrorRenderer = (path, error) =>
  isScimPath(path) ? { contentType: SCIM_CONTENT_TYPE, body: JSON.stringify(scimErrorBody({ status: error.code, detail: error.message })) } : undefined;
const ERROR = Symbol('scimError');

/**
 * What never reaches a controller (body parsing, unknown routes under /scim/v2, unsupported API
 * versions) is rendered by the global Wire filter; these hooks turn it into a SCIM error there,
 * keeping the status. Fastify's parse errors keep their meaning (invalid JSON is invalidSyntax).
 */
@Injectable()
export class ScimErrorHooks implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onError', async (req, _reply, error) => {
      (req as unknown as Record<symbol, unknown>)[ERROR] = error;
    });
    fastify.addHook('onSend', async (req, reply, payload) => {
      if (!isScimPath(req.url) || reply.statusCode < 400) return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('application/scim+json')) return payload;
      const stashed = (req as unknown as Record<symbol, unknown>)[ERROR];
      let body: ScimErrorBody;
      if (stashed !== undefined) body = toScimError(stashed).body;
      else {
        let detail = 'Error';
        try {
          const parsed = JSON.parse(typeof payload === 'string' ? payload : String(payload)) as { message?: unknown; label?: unknown };
          detail = typeof parsed.message === 'string' ? parsed.message : JSON.stringify(parsed);
        } catch {
          if (typeof payload === 'string' && payload !== '') detail = payload;
        }
        body = scimErrorBody({ status: reply.statusCode, detail });
      }
      body = { ...body, status: String(reply.statusCode) };
      void reply.header('content-type', SCIM_CONTENT_TYPE);
      return JSON.stringify(body);
    });
  }
}
