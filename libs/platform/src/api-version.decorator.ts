import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The Wire API version of the request (`/v7/...` → 7; no prefix → 0). */
export const ApiVersion = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): number =>
    (ctx.switchToHttp().getRequest<FastifyRequest>().raw as { apiVersion?: number }).apiVersion ?? 0,
);
