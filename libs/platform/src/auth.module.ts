import { BlockList, isIP } from 'node:net';
import {
  type CanActivate,
  type ExecutionContext,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
  createParamDecorator,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { KeyRingError, SessionError, SessionService, TokenService, generateKeyEntry, keyRingFromEntries, loadKeyRing } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError, type UserId, isUuid, systemClock } from '@sso/domain';
import {
  CassandraDb,
  IdpLookupCache,
  type IdentityStores,
  type SparStores,
  cassandraIdentityStores,
  cassandraSparStores,
} from '@sso/persistence';
import { LOGGER } from './platform.module';
import { RateLimiter } from './rate-limit';
import { type RedisClient, createRedis } from './redis';
import { CONFIG } from './tokens';

export const CLOCK = Symbol('CLOCK');
export const SPAR_STORES = Symbol('SPAR_STORES');
export const IDENTITY_STORES = Symbol('IDENTITY_STORES');
export const REDIS = Symbol('REDIS');

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
      if (e instanceof SessionError) throw new DomainError('invalid-token', e.reason === 'expired' ? 'Access token expired' : 'Invalid access token');
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

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

const storeProviders: Provider[] = [
  { provide: CLOCK, useValue: systemClock },
  {
    provide: SPAR_STORES,
    inject: [CassandraDb, CLOCK, CONFIG],
    useFactory: (db: CassandraDb, clock: Clock, config: Config): SparStores => {
      const stores = cassandraSparStores(db, clock);
      const ttl = config.saml.idpCacheSeconds;
      return ttl > 0 ? { ...stores, idps: new IdpLookupCache(stores.idps, clock, ttl) } : stores;
    },
  },
  {
    provide: IDENTITY_STORES,
    inject: [CassandraDb, CLOCK],
    useFactory: (db: CassandraDb, clock: Clock): IdentityStores => cassandraIdentityStores(db, clock),
  },
];

/** The stores and the clock only: for scim-api, which signs no tokens and rate-limits nothing (no keys, no Redis). */
@Global()
@Module({ providers: storeProviders, exports: [CLOCK, SPAR_STORES, IDENTITY_STORES] })
export class StoresModule {}

/**
 * Stores, tokens, sessions and rate limits for the apps that need them. Global, so feature
 * modules inject them directly.
 */
@Global()
@Module({
  providers: [
    ...storeProviders,
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
    { provide: REDIS, inject: [CONFIG], useFactory: (config: Config) => createRedis(config.redis) },
    {
      provide: RateLimiter,
      inject: [REDIS, LOGGER, CONFIG],
      useFactory: (redis: RedisClient, log: Logger, config: Config) => new RateLimiter(redis, log, config.rateLimits.failOpen),
    },
    RedisLifecycle,
    AccessGuard,
  ],
  exports: [CLOCK, SPAR_STORES, IDENTITY_STORES, TokenService, SessionService, REDIS, RateLimiter, AccessGuard],
})
export class AuthModule {}
