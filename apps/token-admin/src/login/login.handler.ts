import { createHash } from 'node:crypto';
import { type IssuedSession, SessionError, type SessionService, verifyPassword } from '@sso/auth';
import type { Config } from '@sso/config';
import { DomainError, emailKey } from '@sso/domain';
import type { IdentityStores, InvitationStore } from '@sso/persistence';
import type { RateLimiter } from '@sso/platform';

/** Password login and the session endpoints around it. */
export class LoginHandler {
  constructor(
    private readonly stores: IdentityStores,
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter,
    private readonly limits: Config['rateLimits'],
    /** Optional: without it, an invitee who has not accepted yet reads as `invalid-credentials`. */
    private readonly invitations?: InvitationStore,
  ) {}

  async login(input: { email: string; password: string; label?: string }, persist: boolean, clientAddress: string): Promise<IssuedSession> {
    const key = emailKey(input.email);
    // Per client address first (cheap to refuse floods), then per account (slow guessing).
    await this.limit(`login:addr:${clientAddress}`, this.limits.loginPerAddress);
    await this.limit(`login:email:${createHash('sha256').update(key).digest('hex')}`, this.limits.loginPerEmail);

    const uid = await this.stores.users.lookupEmail(key);
    const user = uid ? await this.stores.users.get(uid) : null;
    // Always verify (against a dummy hash for unknown users) so timing does not reveal accounts.
    const ok = await verifyPassword(user?.passwordHash ?? undefined, input.password);
    // An invited SCIM user has no account to log in to until the invitation is accepted (brig's
    // AccountPending): say so, rather than "wrong password".
    if (!user && this.invitations && (await this.invitations.pendingForEmail(key))) {
      throw new DomainError('pending-activation', 'Account pending activation: accept the invitation mail first');
    }
    if (!user || !ok) throw new DomainError('invalid-credentials', 'Authentication failed');
    if (user.status === 'suspended') throw new DomainError('suspended', 'Account suspended');
    if (user.status !== 'active') throw new DomainError('invalid-credentials', 'Authentication failed');
    return this.sessions.start(user.id, { persistent: persist, label: input.label ?? null });
  }

  async access(cookie: string | undefined) {
    if (!cookie) throw new DomainError('invalid-credentials', 'Missing cookie');
    try {
      return await this.sessions.refresh(cookie);
    } catch (e) {
      if (e instanceof SessionError) throw new DomainError('invalid-credentials', `Invalid cookie (${e.reason})`);
      throw e;
    }
  }

  logout(cookie: string | undefined): Promise<void> {
    return cookie ? this.sessions.end(cookie) : Promise.resolve();
  }

  private async limit(key: string, rule: { limit: number; windowSeconds: number }): Promise<void> {
    const d = await this.limiter.hit(key, rule.limit, rule.windowSeconds);
    if (!d.allowed) {
      throw new DomainError('too-many-requests', 'Too many login attempts; try again later', { retryAfterSeconds: d.retryAfterSeconds });
    }
  }
}
