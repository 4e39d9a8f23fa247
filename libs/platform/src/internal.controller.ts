import { Controller, Get, Header, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StoreRoot } from '@sso/persistence';
import { Metrics } from './metrics';
import { STORE_ROOT } from './store-tokens';
import { sendWireError } from './wire-error';

/** Internal routes every app serves on its own port; never routed by the gateway or ingress. */
@ApiExcludeController()
@Controller('i')
export class InternalController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    // An app without stores (platform tests) has nothing to check.
    @Optional() @Inject(STORE_ROOT) private readonly stores: StoreRoot | null,
  ) {}

  /** 200 with an empty body when Cassandra answers (as spar; always on the memory backend), else 503 with the reason. */
  @Get('status')
  @HttpCode(200)
  async status(@Res() reply: FastifyReply): Promise<void> {
    try {
      await this.stores?.ping();
      await reply.status(200).send();
    } catch (e) {
      await sendWireError(reply, 'service-unavailable', `cassandra: ${(e as Error).message}`);
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
