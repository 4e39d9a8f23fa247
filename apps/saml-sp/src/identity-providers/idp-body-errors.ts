import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { wireError } from '@sso/platform';

const PARSE_ERROR = Symbol('idpBodyParseError');

/** The IdP upload routes: their body is the metadata, so a body that does not parse is bad metadata. */
const UPLOADS = new Set(['POST /identity-providers', 'PUT /identity-providers/:id']);

/** Fastify's JSON parse failures (malformed, empty with a JSON type, nested too deep). */
function isJsonParseError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    error instanceof SyntaxError ||
    code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    code === 'JSON_TOO_DEEP'
  );
}

/**
 * spar answers an IdP upload whose JSON body does not parse with 400 `invalid-metadata` (the
 * `{"value": xml}` body is the metadata); the platform's parser answers `bad-request`. These hooks
 * relabel that one case on the upload routes, keeping the status and the parser's message.
 */
@Injectable()
export class IdpBodyErrorHooks implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onError', async (req, _reply, error) => {
      if (isJsonParseError(error)) (req as unknown as Record<symbol, unknown>)[PARSE_ERROR] = error;
    });
    fastify.addHook('onSend', async (req, reply, payload) => {
      const error = (req as unknown as Record<symbol, unknown>)[PARSE_ERROR] as Error | undefined;
      if (error === undefined || reply.statusCode !== 400 || !UPLOADS.has(`${req.method} ${req.routeOptions.url}`)) return payload;
      void reply.header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(wireError('invalid-metadata', `The metadata body is not valid JSON: ${error.message}`));
    });
  }
}
