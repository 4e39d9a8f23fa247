import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { brokenPasswordRules, hashPassword } from '@sso/auth';
import type { Config } from '@sso/config';
import { type Clock, DomainError, type UserId, emailKey, isEmail } from '@sso/domain';
import type { IdentityStores, MailOutbox, PasswordResetStore, ResetLookup } from '@sso/persistence';
import type { RateLimiter } from '@sso/platform';

const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** Keys and codes are base64url; anything else is not a link we made. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The link's key: derived from the user, so a new request replaces the pending one (as brig does). */
export const resetKeyOf = (user: UserId): string => sha256(`password-reset:${user}`).toString('base64url');

/** What using a link gave: the user whose password changed, or why not. */
export type ResetOutcome = { ok: true; user: UserId } | { ok: false; problem: 'expired' | 'used' | 'invalid' };

/**
 * Password reset by mail, in brig's shape: `POST /password-reset` with an email queues a mail with
 * a one-time link (key and code; only the code's hash is stored), and the link's page (or
 * `POST /password-reset/complete`) sets the new password, which signs out every session of the user.
 */
export class PasswordResetHandler {
  /** Requests still being prepared (tests wait for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly stores: IdentityStores,
    private readonly resets: PasswordResetStore,
    private readonly outbox: MailOutbox,
    private readonly limiter: RateLimiter,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Answers the same whether or not the account exists: only the per-address limit can refuse, and
   * the lookup and the mail happen after the answer, so its timing does not tell either.
   */
  async request(email: string, clientAddress: string): Promise<void> {
    const rule = this.config.rateLimits.passwordResetPerAddress;
    const d = await this.limiter.hit(`pwreset:addr:${clientAddress}`, rule.limit, rule.windowSeconds);
    if (!d.allowed) {
      throw new DomainError('too-many-requests', 'Too many password reset requests; try again later', {
        retryAfterSeconds: d.retryAfterSeconds,
      });
    }
    const work = this.prepare(email)
      .catch((e: Error) => this.log.warn({ err: { message: e.message } }, 'password reset request not prepared'))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Waits for the requests still being prepared (tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async prepare(email: string): Promise<void> {
    if (!isEmail(email.trim())) return;
    const key = emailKey(email);
    const perEmail = this.config.rateLimits.passwordResetPerEmail;
    const d = await this.limiter.hit(`pwreset:email:${sha256(key).toString('hex')}`, perEmail.limit, perEmail.windowSeconds);
    if (!d.allowed) return;
    const uid = await this.stores.users.lookupEmail(key);
    const user = uid ? await this.stores.users.get(uid) : null;
    // Only active accounts that log in with a password: SSO-only and pending users have none to reset.
    if (!user || user.status !== 'active' || !user.passwordHash || !user.email || !user.team) return;
    const team = await this.stores.teams.getTeam(user.team);
    const now = this.clock.now();
    const code = randomBytes(32).toString('base64url');
    const resetKey = resetKeyOf(user.id);
    await this.resets.put(
      {
        key: resetKey,
        user: user.id,
        codeHash: sha256(code),
        expires: new Date(now.getTime() + this.config.mail.passwordResetTtlSeconds * 1000),
      },
      now,
    );
    const base = (this.config.mail.linkBaseUrl ?? this.config.saml.spAppUri).replace(/\/+$/, '');
    await this.outbox.enqueue({
      kind: 'password-reset',
      to: user.email,
      team: user.team,
      teamName: team?.name ?? '',
      locale: (user.language ?? this.config.defaultLocale).slice(0, 2).toLowerCase(),
      link: `${base}/password-reset/set?key=${resetKey}&code=${code}`,
      userName: user.name || null,
    });
    this.log.info({ user: user.id }, 'password reset mail queued');
  }

  /** What the link's page shows before the user chose a password (nothing is used up). */
  async check(key: string, code: string): Promise<ResetLookup> {
    if (!TOKEN.test(key) || !TOKEN.test(code)) return { state: 'invalid' };
    return this.resets.check(key, sha256(code), this.clock.now());
  }

  /**
   * Sets the new password: the policy first (a weak password does not use up the link), then the
   * link, used once, then the password, then every session of the user ends.
   */
  async complete(key: string, code: string, password: string): Promise<ResetOutcome> {
    const broken = brokenPasswordRules(password);
    if (broken.length) throw new DomainError('weak-password', `The password needs: ${broken.join(', ')}`);
    if (!TOKEN.test(key) || !TOKEN.test(code)) return { ok: false, problem: 'invalid' };
    const verdict = await this.resets.consume(key, sha256(code), this.clock.now());
    if (verdict.state !== 'valid') return { ok: false, problem: verdict.state };
    const user = await this.stores.users.get(verdict.user);
    if (!user || user.status !== 'active') return { ok: false, problem: 'invalid' };
    await this.stores.users.update(user.id, { passwordHash: await hashPassword(password) });
    await this.stores.cookies.deleteAllByUser(user.id);
    this.log.info({ user: user.id }, 'password reset: new password set, sessions ended');
    return { ok: true, user: user.id };
  }
}
