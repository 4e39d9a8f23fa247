import { hashPassword, linkSecretHash, plausibleLinkSecret } from '@sso/auth';
import { type Clock, emailKey } from '@sso/domain';
import type { ActivationStore, IdentityStores, InvitationCodeRecord, InvitationStore } from '@sso/persistence';
import { type LinkProblem, type PasswordFormProblem, checkPasswordForm } from '../password-page/password-page';

/** What the invitation page shows. */
export type InvitationView =
  | { kind: 'form'; email: string; teamName: string }
  | { kind: 'problem'; problem: LinkProblem }
  /** The address is already another account's login: the invitation cannot be accepted. */
  | { kind: 'email-taken' };

export type AcceptOutcome =
  InvitationView | { kind: 'form-problem'; email: string; teamName: string; problem: PasswordFormProblem } | { kind: 'done' };

export type ActivationOutcome =
  { kind: 'problem'; problem: LinkProblem } | { kind: 'confirm'; email: string } | { kind: 'done'; email: string };

/**
 * Accepting an invitation (a SCIM user of a token without an IdP, docs/spar-behaviour.md §5.4
 * step 4): the link's code names the invitation, the user sets a password and becomes active
 * (brig's status; SCIM shows `active` from it), its address validated and its login key
 * (`user_keys`) claimed. The code is one-time (a lightweight transaction marks it used); an
 * expired or used code gets its own page for a week, then reads as unknown.
 */
export class InvitationAcceptance {
  constructor(
    private readonly identity: IdentityStores,
    private readonly invitations: InvitationStore,
    private readonly activations: ActivationStore,
    private readonly clock: Clock,
  ) {}

  async view(code: unknown): Promise<InvitationView> {
    const found = await this.find(code);
    if ('problem' in found) return found;
    return { kind: 'form', email: found.email, teamName: found.teamName };
  }

  async accept(code: unknown, password: string, confirm: string): Promise<AcceptOutcome> {
    const found = await this.find(code);
    if ('problem' in found) return found;
    const problem = checkPasswordForm(password, confirm);
    if (problem) return { kind: 'form-problem', email: found.email, teamName: found.teamName, problem };

    const { rec, email } = found;
    const uid = rec.id;
    const key = emailKey(email);
    // Another account logs in with the address: refused before the link is used up.
    const owner = await this.identity.users.lookupEmail(key);
    if (owner !== null && owner !== uid) return { kind: 'email-taken' };
    if (!(await this.invitations.markUsed(rec, this.clock.now()))) return { kind: 'problem', problem: 'used' };
    // Only the one acceptance that used the link gets here.
    if (!(await this.identity.users.claimEmail(key, uid)).ok) return { kind: 'email-taken' };
    const passwordHash = await hashPassword(password);
    await this.identity.users.update(uid, { passwordHash, status: 'active', activated: true, email, emailUnvalidated: null });
    await this.invitations.finish(rec.team, uid);
    // A SCIM DELETE that ran meanwhile removed the user: the login key goes too.
    if (!(await this.identity.users.get(uid))) {
      await this.identity.users.releaseEmail(key, uid);
      return { kind: 'problem', problem: 'invalid' };
    }
    return { kind: 'done' };
  }

  /** The link's page: a button that confirms (GET never changes anything: mail scanners follow links). */
  async activationView(code: unknown): Promise<ActivationOutcome> {
    const rec = await this.activation(code);
    if ('problem' in rec) return rec;
    return { kind: 'confirm', email: rec.keyText };
  }

  /**
   * Confirms an address (validateSAMLemails): it becomes the user's email, if it is still the one
   * waiting; a user with a password also gets the login key moved to it.
   */
  async activate(code: unknown): Promise<ActivationOutcome> {
    const rec = await this.activation(code);
    if ('problem' in rec) return rec;
    const user = await this.identity.users.get(rec.user);
    if (!user || user.status === 'deleted' || user.emailUnvalidated !== rec.keyText) return { kind: 'problem', problem: 'invalid' };
    if (!(await this.activations.markUsed(rec, this.clock.now()))) return { kind: 'problem', problem: 'used' };
    if (user.passwordHash !== null) {
      const claim = await this.identity.users.claimEmail(emailKey(rec.keyText), user.id);
      if (!claim.ok) return { kind: 'problem', problem: 'invalid' };
      if (user.email !== null && emailKey(user.email) !== emailKey(rec.keyText))
        await this.identity.users.releaseEmail(emailKey(user.email), user.id);
    }
    await this.identity.users.update(user.id, { email: rec.keyText, emailUnvalidated: null });
    return { kind: 'done', email: rec.keyText };
  }

  private async activation(code: unknown) {
    if (!plausibleLinkSecret(code)) return { kind: 'problem' as const, problem: 'invalid' as const };
    const rec = await this.activations.get(linkSecretHash(code));
    const problem = rec ? this.problemOf(rec.expiresAt, rec.usedAt) : 'invalid';
    return problem || !rec ? { kind: 'problem' as const, problem: problem ?? ('invalid' as const) } : rec;
  }

  private problemOf(expiresAt: Date, usedAt: Date | null): LinkProblem | null {
    if (usedAt !== null) return 'used';
    if (expiresAt.getTime() <= this.clock.now().getTime()) return 'expired';
    return null;
  }

  /** The invitation behind a code, with its (still pending) user; or the page's problem. */
  private async find(
    code: unknown,
  ): Promise<{ kind: 'problem'; problem: LinkProblem } | { rec: InvitationCodeRecord; email: string; teamName: string }> {
    if (!plausibleLinkSecret(code)) return { kind: 'problem', problem: 'invalid' };
    const rec = await this.invitations.byCode(linkSecretHash(code));
    if (!rec) return { kind: 'problem', problem: 'invalid' };
    const problem = this.problemOf(rec.expiresAt, rec.usedAt);
    if (problem) return { kind: 'problem', problem };
    const [inv, user, team] = await Promise.all([
      this.invitations.get(rec.team, rec.id),
      this.identity.users.get(rec.id),
      this.identity.teams.getTeam(rec.team),
    ]);
    // Revoked (SCIM DELETE, a resend) or the user gone: the link no longer works.
    if (!inv || inv.code !== rec.code || !user || user.status !== 'pending-invitation' || user.team !== rec.team) {
      return { kind: 'problem', problem: 'invalid' };
    }
    return { rec, email: inv.email, teamName: team?.name ?? '' };
  }
}
