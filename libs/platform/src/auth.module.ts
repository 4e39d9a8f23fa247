import { BlockList, isIP } from 'node:net';
import { type CanActivate, type ExecutionContext, Global, Inject, Injectable, Module, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { KeyRingError, SessionError, SessionService, TokenService, generateKeyEntry, keyRingFromEntries, loadKeyRing } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError, type UserId, isUuid } from '@sso/domain';
import type { IdentityStores } from '@sso/persistence';
import { LOGGER } from './platform.module';
import { CLOCK, IDENTITY_STORES } from './store-tokens';
import { CONFIG } from './tokens';

export interface AuthedRequest extends FastifyRequest {
  userId?: UserId;
}

/** The key ring from the configured file; outside production an ephemeral key if none is set. */
function keyRing(config: Config, log: Logger) {
  if (config.auth.keysFile) return loadKeyRing(config.auth.keysFile);
  log.warn('no auth.keysFile (ACCESS_TOKEN_KEYS_FILE): signing with an ephemeral key; tokens die with this process');
  return keyRingFromEntries([generateKeyEntry('ephemeral')]);
}

/** Requires a valid access token in the Authorization header (or, from a trusted proxy, Wire's `Z-User` header). */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly trusted = new BlockList();
  private readonly anyTrusted: boolean;

  constructor(
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(CONFIG) config: Config,
  ) {
    for (const entry of config.auth.trustedZUserProxies) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (bits) this.trusted.addSubnet(addr, Number(bits), family);
      else this.trusted.addAddress(addr, family);
    }
    this.anyTrusted = config.auth.trustedZUserProxies.length > 0;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const zUser = req.headers['z-user'];
    if (this.anyTrusted && typeof zUser === 'string' && this.fromTrustedProxy(req)) {
      if (!isUuid(zUser)) throw new DomainError('client-error', 'Z-User is not a user id');
      req.userId = zUser.toLowerCase() as UserId;
      return true;
    }
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer +([^ ]+)$/i.exec(header) : null;
    // The header only: `?access_token=` is refused for every route (hardening.ts).
    const token = m?.[1];
    if (typeof token !== 'string' || token === '') throw new DomainError('missing-auth', 'Missing access token');
    try {
      req.userId = await this.sessions.authenticate(token);
    } catch (e) {
      if (e instanceof SessionError)
        throw new DomainError('invalid-token', e.reason === 'expired' ? 'Access token expired' : 'Invalid access token');
      throw e;
    }
    return true;
  }

  private fromTrustedProxy(req: FastifyRequest): boolean {
    const addr = req.socket.remoteAddress;
    if (!addr) return false;
    const plain = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
    return this.trusted.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** The authenticated user's id (after AccessGuard). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserId => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().userId;
  if (!id) throw new Error('CurrentUser used without AccessGuard');
  return id;
});

/**
 * Access tokens and sessions for the apps that need them (saml-sp, token-admin), on the stores
 * of the app's StoresModule. Global, so feature modules inject them directly.
 */
@Global()
@Module({
  providers: [
    {
      provide: TokenService,
      inject: [CONFIG, LOGGER, CLOCK],
      useFactory: (config: Config, log: Logger, clock: Clock) => {
        try {
          return new TokenService(keyRing(config, log), clock, config.auth.accessTokenTtlSeconds);
        } catch (e) {
          if (e instanceof KeyRingError) throw new Error(`auth.keysFile: ${e.message}`);
          throw e;
        }
      },
    },
    {
      provide: SessionService,
      inject: [TokenService, IDENTITY_STORES, CLOCK, CONFIG],
      useFactory: (tokens: TokenService, stores: IdentityStores, clock: Clock, config: Config) =>
        new SessionService(tokens, stores.cookies, stores.users, clock, config.auth),
    },
    AccessGuard,
  ],
  exports: [TokenService, SessionService, AccessGuard],
})
export class AuthModule {}
