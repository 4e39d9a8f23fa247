import type { Clock, User, UserId } from '@sso/domain';
import type { CookieStore, UserStore } from '@sso/persistence';
import { TokenError, TokenService } from './tokens';

export interface SessionSettings {
  persistentCookieTtlSeconds: number;
  sessionCookieTtlSeconds: number;
}

export interface IssuedCookie {
  userId: UserId;
  /** The `zuid` cookie value and when it stops working. */
  cookie: string;
  cookieExpires: Date;
  persistent: boolean;
}

export interface IssuedSession extends IssuedCookie {
  accessToken: string;
  accessExpiresIn: number;
}

/** Why a cookie or access token was refused; the HTTP layer turns it into a Wire error. */
export class SessionError extends Error {
  constructor(readonly reason: 'invalid' | 'expired' | 'revoked' | 'inactive') {
    super(`session refused: ${reason}`);
    this.name = 'SessionError';
  }
}

/**
 * Login sessions as Wire has them: a long-lived `zuid` cookie backed by a `user_cookies` row
 * (revocable: deleting the row ends it) and short access tokens minted from it. Used by
 * password login (token-admin) and SSO login (saml-sp) alike.
 */
export class SessionService {
  constructor(
    private readonly tokens: TokenService,
    private readonly cookies: CookieStore,
    private readonly users: UserStore,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  /** A session and a first access token (`/login`). */
  async start(userId: UserId, opts: { persistent: boolean; label?: string | null }): Promise<IssuedSession> {
    const issued = await this.startCookie(userId, opts);
    return { ...issued, accessToken: await this.tokens.issueAccess(userId), accessExpiresIn: this.tokens.accessTtlSeconds };
  }

  /** A session cookie only (the SSO login: the client exchanges the cookie at `/access`). */
  async startCookie(userId: UserId, opts: { persistent: boolean; label?: string | null }): Promise<IssuedCookie> {
    const now = this.clock.now();
    const ttl = opts.persistent ? this.settings.persistentCookieTtlSeconds : this.settings.sessionCookieTtlSeconds;
    // Whole seconds: the token's exp and the row's key must agree exactly.
    const expires = new Date((Math.floor(now.getTime() / 1000) + ttl) * 1000);
    const cookieId = TokenService.newCookieId();
    await this.cookies.insert({
      user: userId,
      id: cookieId,
      expires,
      created: now,
      label: opts.label ?? null,
      type: opts.persistent ? 'persistent' : 'session',
    });
    const cookie = await this.tokens.issueCookie({ userId, cookieId, expiresAt: expires, persistent: opts.persistent });
    if (opts.label) await this.revokeSameLabel(userId, opts.label, { id: cookieId, created: now });
    return { userId, cookie, cookieExpires: expires, persistent: opts.persistent };
  }

  /**
   * brig's rule: one live cookie per (user, label). A label names a device or client ("laptop"),
   * so a new login with it ends the sessions that device had before, of either type. Cookies
   * without a label are never touched. The new cookie is written first, so a failure here leaves
   * an extra session, never none; and only cookies older than the new one go (creation time, then
   * id), so of two logins with one label at the same moment the newer survives, not neither.
   */
  private async revokeSameLabel(userId: UserId, label: string, kept: { id: bigint; created: Date }): Promise<void> {
    const older = (c: { id: bigint; created: Date }) =>
      c.created.getTime() < kept.created.getTime() || (c.created.getTime() === kept.created.getTime() && c.id < kept.id);
    const stale = (await this.cookies.listByUser(userId)).filter((c) => c.label === label && c.id !== kept.id && older(c));
    await Promise.all(stale.map((c) => this.cookies.delete(userId, c.expires, c.id)));
  }

  /** A fresh access token for a live cookie of an active user. */
  async refresh(cookie: string): Promise<{ userId: UserId; accessToken: string; accessExpiresIn: number }> {
    const claims = await this.verifyCookie(cookie);
    const row = await this.cookies.get(claims.userId, claims.expiresAt, claims.cookieId);
    if (!row) throw new SessionError('revoked');
    const user = await this.users.get(claims.userId);
    if (!user || user.status !== 'active') throw new SessionError('inactive');
    return {
      userId: claims.userId,
      accessToken: await this.tokens.issueAccess(claims.userId),
      accessExpiresIn: this.tokens.accessTtlSeconds,
    };
  }

  /**
   * The active user behind a live cookie, checked as `refresh` checks it, without minting a token
   * (the enterprise-login result page says who is logged in).
   */
  async cookieUser(cookie: string): Promise<User> {
    const claims = await this.verifyCookie(cookie);
    const row = await this.cookies.get(claims.userId, claims.expiresAt, claims.cookieId);
    if (!row) throw new SessionError('revoked');
    const user = await this.users.get(claims.userId);
    if (!user || user.status !== 'active') throw new SessionError('inactive');
    return user;
  }

  /** Revokes the cookie's session; an invalid cookie is simply ignored (logout is idempotent). */
  async end(cookie: string): Promise<void> {
    await this.endSession(cookie);
  }

  /**
   * Revokes the cookie's session and says whose it was (Single Logout goes on to the user's IdP):
   * null for an invalid cookie, or one whose session had already ended.
   */
  async endSession(cookie: string): Promise<UserId | null> {
    const claims = await this.verifyCookie(cookie).catch(() => null);
    if (!claims) return null;
    const live = await this.cookies.get(claims.userId, claims.expiresAt, claims.cookieId);
    await this.cookies.delete(claims.userId, claims.expiresAt, claims.cookieId);
    return live ? claims.userId : null;
  }

  /** The user behind an access token (signature and expiry only: tokens live 15 minutes). */
  async authenticate(accessToken: string): Promise<UserId> {
    try {
      return (await this.tokens.verifyAccess(accessToken)).userId;
    } catch (e) {
      if (e instanceof TokenError) throw new SessionError(e.reason === 'expired' ? 'expired' : 'invalid');
      throw e;
    }
  }

  private async verifyCookie(cookie: string) {
    try {
      return await this.tokens.verifyCookie(cookie);
    } catch (e) {
      if (e instanceof TokenError) throw new SessionError(e.reason === 'expired' ? 'expired' : 'invalid');
      throw e;
    }
  }
}
