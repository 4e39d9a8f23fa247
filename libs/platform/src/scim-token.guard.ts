import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ScimTokenVerifier } from '@sso/auth';
import { DomainError } from '@sso/domain';
import type { ScimTokenRecord, SparStores } from '@sso/persistence';
import { SPAR_STORES } from './store-tokens';

export interface ScimRequest extends FastifyRequest {
  scimToken?: ScimTokenRecord;
}

/** Authenticates SCIM clients by their bearer token (spar's messages); sets `req.scimToken`. */
@Injectable()
export class ScimTokenGuard implements CanActivate {
  private readonly verifier: ScimTokenVerifier;

  constructor(@Inject(SPAR_STORES) stores: SparStores) {
    this.verifier = new ScimTokenVerifier(stores.scimTokens);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ScimRequest>();
    const m = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new DomainError('invalid-token', 'authorization failed: Token not provided');
    const rec = await this.verifier.verify(m[1]);
    if (!rec) throw new DomainError('invalid-token', 'authorization failed: Invalid SCIM token');
    req.scimToken = rec;
    return true;
  }
}
