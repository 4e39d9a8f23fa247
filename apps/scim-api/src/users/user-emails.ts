import type { EmailLinks } from '@sso/auth';
import { type Role, type TeamId, type User, type UserId, emailKey } from '@sso/domain';
import type { IdentityStores, ScimTokenRecord, SparStores } from '@sso/persistence';

const nothing = async (): Promise<void> => {};

/** brig's columns for a SCIM write, and what to do once the rows are written (a mail, a key move). */
export interface EmailPlan<T> {
  value: T;
  after: () => Promise<void>;
}

/**
 * What SCIM does with a user's email beyond the document (docs/spar-behaviour.md §5.4, steps 4
 * and 8 of POST, step 5 of PUT): a user of a token without an IdP is created pending, with an
 * invitation mail; with an IdP, the team's `validateSAMLemails` decides between an activation
 * mail (the address waits in `email_unvalidated`) and an address activated at once.
 */
export class ScimUserEmails {
  constructor(
    private readonly links: EmailLinks,
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
  ) {}

  /** brig's row of a new SCIM user, and the mail to queue once it is written. */
  async forNewUser(token: ScimTokenRecord, user: User, role: Role): Promise<EmailPlan<User>> {
    const address = user.emailUnvalidated ?? user.email;
    if (token.idp === null && address !== null) {
      // brig's invitation user: PendingInvitation, not activated, the address waiting.
      const pending: User = { ...user, status: 'pending-invitation', activated: false, email: null, emailUnvalidated: address };
      // The id is the create's fresh one: no earlier invitation to revoke.
      return { value: pending, after: () => this.links.invite(pending, role, address, { newUser: true }) };
    }
    const { columns, validate } = await this.links.emailColumns(token.team, address);
    const out = { ...user, ...columns };
    return { value: out, after: validate && address !== null ? () => this.links.sendActivation(out, address) : nothing };
  }

  /**
   * The email columns of a PUT/PATCH: nothing when the address is the same; a pending user's new
   * address gets a new invitation (the old link dies); another user's follows validateSAMLemails.
   * A user who logs in with a password keeps the login key (`user_keys`) on the validated address.
   */
  async forChange(token: ScimTokenRecord, cur: User, address: string | null, role: Role): Promise<EmailPlan<Partial<User>>> {
    const team = token.team;
    if (address === (cur.emailUnvalidated ?? cur.email)) return { value: {}, after: nothing };
    if (cur.status === 'pending-invitation') {
      const next = { ...cur, emailUnvalidated: address };
      return {
        value: { emailUnvalidated: address },
        after: address !== null ? () => this.links.invite(next, role, address) : () => this.links.revokeInvitation(team, cur.id),
      };
    }
    if (address !== null && address === cur.email) return { value: { emailUnvalidated: null }, after: nothing };
    const { columns, validate } = await this.links.emailColumns(team, address);
    if (validate && address !== null) {
      // The validated address stays until the new one is confirmed.
      return {
        value: { emailUnvalidated: address },
        after: () => this.links.sendActivation({ ...cur, emailUnvalidated: address }, address),
      };
    }
    if (cur.passwordHash !== null && address !== null) {
      const claim = await this.identity.users.claimEmail(emailKey(address), cur.id);
      // An address another account logs in with is not activated for this one.
      if (!claim.ok) return { value: { emailUnvalidated: address }, after: nothing };
      const old = cur.email;
      return {
        value: columns,
        after: async () => {
          if (old !== null && emailKey(old) !== emailKey(address)) await this.identity.users.releaseEmail(emailKey(old), cur.id);
        },
      };
    }
    if (cur.passwordHash !== null && address === null && cur.email !== null) {
      // No address any more: the login key of the old one goes with it (nobody else could claim it otherwise).
      const old = cur.email;
      return { value: columns, after: () => this.identity.users.releaseEmail(emailKey(old), cur.id) };
    }
    return { value: columns, after: nothing };
  }

  /**
   * A pending user whose invitation expired (or was revoked) under this externalId: spar's
   * creation-status rules let SCIM create the user again, after cleaning up as DELETE does.
   */
  async staleInvitee(team: TeamId, externalId: string): Promise<UserId | null> {
    const row = await this.spar.scimExternal.get(team, externalId);
    // A row still Creating is a create in flight: its user is pending without an invitation only
    // until that create sends it (creates that lost the race to it must not delete it).
    if (!row || row.status !== 'created') return null;
    const user = await this.identity.users.get(row.uid);
    if (!user || user.team !== team || user.status !== 'pending-invitation') return null;
    return (await this.links.hasLiveInvitation(team, user.id)) ? null : user.id;
  }

  /** A deleted user's link dies and its login key goes (idempotent). */
  async forget(team: TeamId, user: User): Promise<void> {
    await this.links.revokeInvitation(team, user.id);
    if (user.email !== null) await this.identity.users.releaseEmail(emailKey(user.email), user.id);
  }
}
