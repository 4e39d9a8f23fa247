import { randomBytes, sign as signBytes } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock, UserId } from '@sso/domain';
import type { KeyRing } from './signing-keys';

/** What a verified access token says. */
export interface AccessClaims {
  userId: UserId;
  expiresAt: Date;
}

/** What a verified session cookie (`zuid`) says: enough to find its row without a scan. */
export interface CookieClaims {
  userId: UserId;
  cookieId: bigint;
  expiresAt: Date;
  persistent: boolean;
}

export type TokenFailure = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' | 'wrong-type';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`invalid token: ${reason}`);
    this.name = 'TokenError';
  }
}

const ISSUER = 'sso-scim';
const ALG = 'EdDSA';

/**
 * Access tokens and session cookies: compact JWS signed with Ed25519, with the key id in the
 * header so keys can rotate (every key of the ring verifies; the first private one signs).
 * The two kinds carry a `typ` claim and never pass for each other.
 */
export class TokenService {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    readonly accessTtlSeconds = 900,
  ) {}

  issueAccess(userId: UserId): Promise<string> {
    return this.sign({ typ: 'access' }, userId, Math.floor(this.clock.now().getTime() / 1000) + this.accessTtlSeconds);
  }

  // The `sub` casts below read a claim that this service signed (`verify` checks the signature with
  // our keys) from a branded UserId: the value is proven, the cast only restores the brand.
  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.verify(token, 'access');
    return { userId: p.sub as UserId, expiresAt: new Date((p.exp as number) * 1000) };
  }

  /** A fresh cookie id: 63 random bits, as Wire's cookie ids are bigints. */
  static newCookieId(): bigint {
    return randomBytes(8).readBigUInt64BE() >> 1n;
  }

  issueCookie(c: CookieClaims): Promise<string> {
    return this.sign({ typ: 'cookie', cid: c.cookieId.toString(), per: c.persistent }, c.userId, Math.floor(c.expiresAt.getTime() / 1000));
  }

  async verifyCookie(token: string): Promise<CookieClaims> {
    const p = await this.verify(token, 'cookie');
    if (typeof p.cid !== 'string' || !/^\d{1,19}$/.test(p.cid)) throw new TokenError('malformed');
    return {
      userId: p.sub as UserId,
      cookieId: BigInt(p.cid),
      expiresAt: new Date((p.exp as number) * 1000),
      persistent: p.per === true,
    };
  }

  /**
   * The compact JWS jose's SignJWT would make, byte for byte (same header, same claim order, and
   * Ed25519 signatures are deterministic: tokens.spec.ts compares the two), signed with node:crypto's
   * one synchronous call. jose signs through WebCrypto, whose job machinery cost every SSO login
   * about 0.3 ms of CPU for a 50 µs signature (docs/decisions.md, "Login cost: the cuts").
   * Verification stays jose's.
   */
  private sign(claims: Record<string, unknown>, sub: string, exp: number): Promise<string> {
    const { kid, privateKey } = this.keys.signing;
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    if (!Number.isSafeInteger(exp)) return Promise.reject(new TypeError('token expiry must be a whole number of seconds'));
    const header = Buffer.from(JSON.stringify({ alg: ALG, kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...claims, iss: ISSUER, sub, iat, exp })).toString('base64url');
    const input = `${header}.${payload}`;
    return Promise.resolve(`${input}.${signBytes(null, Buffer.from(input), privateKey!).toString('base64url')}`);
  }

  private async verify(token: string, typ: 'access' | 'cookie') {
    if (token.length > 4096 || token.split('.').length !== 3) throw new TokenError('malformed');
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenError('malformed');
    }
    const key = typeof kid === 'string' ? this.keys.byKid.get(kid) : undefined;
    if (!key) throw new TokenError('unknown-key');
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [ALG],
        issuer: ISSUER,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== typ) throw new TokenError('wrong-type');
      if (!/^[0-9a-f-]{36}$/.test(payload.sub ?? '')) throw new TokenError('malformed');
      return payload;
    } catch (e) {
      if (e instanceof TokenError) throw e;
      if (e instanceof joseErrors.JWTExpired) throw new TokenError('expired');
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenError('bad-signature');
      throw new TokenError('malformed');
    }
  }
}
