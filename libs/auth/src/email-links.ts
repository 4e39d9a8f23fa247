import { createHash, randomBytes } from 'node:crypto';
import type { Clock, MailKind, Role, TeamId, User, UserId } from '@sso/domain';
import type { ActivationStore, IdentityStores, InvitationStore, MailOutbox } from '@sso/persistence';

/** The secret of a one-time link: 32 random bytes, base64url (43 characters). Only its hash is stored. */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the tables keep instead of a link's secret: SHA-256, hex. */
export function linkSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether a string can be a link secret at all (anything else is refused before a lookup). */
export function plausibleLinkSecret(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);
}

/** The invitation page (token-admin), `?code=<secret>`: Wire's `/teams/invitations` prefix. */
export const INVITATION_PATH = '/teams/invitations/accept';
/** The email activation page (token-admin), `?code=<secret>`: Wire's `/activate`. */
export const ACTIVATION_PATH = '/activate';

export interface EmailLinkSettings {
  /** brig's `teamInvitationTimeout`. */
  invitationTimeoutSeconds: number;
  /** brig's `activationTimeout`. */
  activationTimeoutSeconds: number;
  /** Where the links point: token-admin's public base URL. */
  publicUrl: string;
  defaultLocale: string;
  /** `features.validateSAMLemails` for teams that never had a status set. */
  validateSamlEmailsByDefault: boolean;
}

/**
 * Invitations of SCIM users without an IdP and email activation (validateSAMLemails), as brig
 * does them for spar (docs/spar-behaviour.md §3.4, §5.4): the link's secret goes only into the
 * mail, which is queued in the outbox (never sent inline); the tables keep its hash.
 */
export class EmailLinks {
  constructor(
    private readonly identity: IdentityStores,
    private readonly invitations: InvitationStore,
    private readonly activations: ActivationStore,
    private readonly outbox: MailOutbox,
    private readonly clock: Clock,
    private readonly settings: EmailLinkSettings,
  ) {}

  /** The team's `validateSAMLemails` status, or the configured default. */
  async validatesEmails(team: TeamId): Promise<boolean> {
    const s = await this.identity.teams.validateSamlEmailsStatus(team);
    return s === null ? this.settings.validateSamlEmailsByDefault : s === 'enabled';
  }

  /**
   * The email columns for a user's new address (brig's `PUT /i/self/email?activation=...`):
   * with validation the address waits in `email_unvalidated` (the validated one, if any, stays);
   * without, it is the user's email at once.
   */
  async emailColumns(
    team: TeamId,
    address: string | null,
  ): Promise<{ columns: Pick<User, 'email' | 'emailUnvalidated'>; validate: boolean }> {
    if (address === null) return { columns: { email: null, emailUnvalidated: null }, validate: false };
    if (await this.validatesEmails(team)) return { columns: { email: null, emailUnvalidated: address }, validate: true };
    return { columns: { email: address, emailUnvalidated: null }, validate: false };
  }

  /**
   * A new invitation for the pending user `user` (its id is the invitation id, as in Wire); an
   * earlier one of the same user is revoked first, so only the newest link works.
   */
  async invite(user: User, role: Role, email: string): Promise<void> {
    const team = user.team;
    if (team === null) throw new TypeError('invite: the user has no team');
    await this.invitations.revoke(team, user.id);
    const secret = newLinkSecret();
    const now = this.clock.now();
    await this.invitations.create({
      team,
      id: user.id,
      code: linkSecretHash(secret),
      email,
      name: user.name,
      role,
      createdAt: now,
      createdBy: null,
      expiresAt: new Date(now.getTime() + this.settings.invitationTimeoutSeconds * 1000),
    });
    await this.mail('invitation', email, team, user, `${this.base()}${INVITATION_PATH}?code=${secret}`);
  }

  /** The link of the user's invitation dies (SCIM DELETE); idempotent. */
  revokeInvitation(team: TeamId, uid: UserId): Promise<void> {
    return this.invitations.revoke(team, uid);
  }

  /** Whether the pending user still has a live invitation (an expired one lets SCIM create the user again). */
  async hasLiveInvitation(team: TeamId, uid: UserId): Promise<boolean> {
    return (await this.invitations.get(team, uid)) !== null;
  }

  /** An activation link for `email` of `user`, mailed to that address. */
  async sendActivation(user: User, email: string): Promise<void> {
    if (user.team === null) throw new TypeError('sendActivation: the user has no team');
    const secret = newLinkSecret();
    const now = this.clock.now();
    await this.activations.create(
      {
        key: linkSecretHash(secret),
        keyText: email,
        user: user.id,
        expiresAt: new Date(now.getTime() + this.settings.activationTimeoutSeconds * 1000),
        usedAt: null,
      },
      now,
    );
    await this.mail('email-activation', email, user.team, user, `${this.base()}${ACTIVATION_PATH}?code=${secret}`);
  }

  private base(): string {
    return this.settings.publicUrl.replace(/\/+$/, '');
  }

  private async mail(kind: MailKind, to: string, team: TeamId, user: User, link: string): Promise<void> {
    const t = await this.identity.teams.getTeam(team);
    await this.outbox.enqueue({
      kind,
      to,
      team,
      teamName: t?.name ?? 'Wire',
      locale: user.language ?? this.settings.defaultLocale,
      link,
      userName: user.name,
    });
  }
}
