import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Nest drops trailing slashes from route paths; the Microsoft suite sends `/Users/?filter=...`. */
@Injectable()
export class ScimTrailingSlash implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    for (const url of ['/scim/v2/Users/', '/scim/v2/users/', '/scim/v2/Groups/', '/scim/v2/groups/']) {
      fastify.route({
        method: ['GET', 'POST'],
        url,
        handler: (req, reply) => reply.redirect(req.url.replace(/\/(\?|$)/, '$1'), 308),
      });
    }
  }
}
