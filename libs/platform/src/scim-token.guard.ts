import { randomInt } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Global, Inject, Injectable, Module } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LastUsedRecorder, ScimTokenVerifier, TokenBuckets } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError } from '@sso/domain';
import type { ScimTokenAuthLookups, ScimTokenLifecycleStore, ScimTokenRecord, SparStores } from '@sso/persistence';
import { LOGGER } from './platform.module';
import { CLOCK, SCIM_TOKEN_AUTH, SCIM_TOKEN_LIFECYCLE, SPAR_STORES } from './store-tokens';
import { CONFIG } from './tokens';

export interface ScimRequest extends FastifyRequest {
  scimToken?: ScimTokenRecord;
}

/** Spread of the per-process `last_used` threshold, so replicas rarely write the same minute. */
const LAST_USED_JITTER_MS = 20_000;

/**
 * What scim-api keeps per process to authenticate SCIM requests: the token check (cached by the
 * composition root), the per-token rate limit, and the `last_used` recorder. One instance per app
 * (ScimAuthModule is global), so the Users and Groups routes share each token's budget.
 */
export class ScimTokenAuth {
  readonly verifier: ScimTokenVerifier;
  readonly limiter: TokenBuckets;
  readonly lastUsed: LastUsedRecorder;

  constructor(
    lookups: ScimTokenAuthLookups,
    spar: SparStores,
    lifecycle: ScimTokenLifecycleStore,
    clock: Clock,
    config: Config,
    log: Logger,
    jitterMs = randomInt(LAST_USED_JITTER_MS),
  ) {
    this.verifier = new ScimTokenVerifier(lookups, spar.scimTokens, clock);
    this.limiter = new TokenBuckets(clock, config.scim.tokenRateLimit, config.scim.tokenRateBurst);
    this.lastUsed = new LastUsedRecorder(
      lifecycle,
      clock,
      (err) => log.warn({ err }, 'could not record the last use of a SCIM token'),
      jitterMs,
    );
  }
}

/** Authenticates SCIM clients by their bearer token (spar's messages); sets `req.scimToken`. */
@Injectable()
export class ScimTokenGuard implements CanActivate {
  constructor(@Inject(ScimTokenAuth) private readonly auth: ScimTokenAuth) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ScimRequest>();
    const m = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new DomainError('invalid-token', 'authorization failed: Token not provided');
    const check = await this.auth.verifier.check(m[1]);
    if (!check.ok) {
      // spar's label for every refused token; the message says which.
      throw new DomainError(
        'invalid-token',
        check.reason === 'expired' ? 'authorization failed: SCIM token expired' : 'authorization failed: Invalid SCIM token',
      );
    }
    const refused = this.auth.limiter.take(check.token.id);
    if (refused) {
      throw new DomainError(
        'too-many-requests',
        'Too many requests with this SCIM token; retry after the number of seconds in Retry-After',
        refused,
      );
    }
    req.scimToken = check.token;
    // After the answer is sent, never before: last_used is bookkeeping, not part of the request.
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    reply.raw.once('finish', () => void this.auth.lastUsed.used(check.token.tokenKey, check.lastUsed));
    return true;
  }
}

/** scim-api's token authentication: one ScimTokenAuth for the app, and the guard. */
@Global()
@Module({
  providers: [
    {
      provide: ScimTokenAuth,
      inject: [SCIM_TOKEN_AUTH, SPAR_STORES, SCIM_TOKEN_LIFECYCLE, CLOCK, CONFIG, LOGGER],
      useFactory: (
        lookups: ScimTokenAuthLookups,
        spar: SparStores,
        lifecycle: ScimTokenLifecycleStore,
        clock: Clock,
        config: Config,
        log: Logger,
      ) => new ScimTokenAuth(lookups, spar, lifecycle, clock, config, log),
    },
    ScimTokenGuard,
  ],
  exports: [ScimTokenAuth, ScimTokenGuard],
})
export class ScimAuthModule {}
