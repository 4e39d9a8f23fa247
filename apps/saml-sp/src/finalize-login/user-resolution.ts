import type { EmailLinks } from '@sso/auth';
import { DomainError, type User, type UserId, isEmail, newUserId, newUserRecord } from '@sso/domain';
import type { IdentityStores, IdpRecord, SamlUserRecord, SparStores, TeamCounts } from '@sso/persistence';
import { NAMEID_FORMATS, type NameId, brigSsoId, nameIdXml, normalizeNameId } from '@sso/saml';

/** What `find` read: the `user_v2` row of the NameID and, for a hit, brig's row of its user; with the NameID's keys. */
export interface FoundUser {
  normalized: string;
  ssoId: string;
  hit: SamlUserRecord | null;
  user: User | null;
}

/**
 * docs/spar-behaviour.md §3.4: `user_v2` (legacy `user` read and migrated by the store), then the
 * IdP's old issuers (migrated to the current one), then auto-provisioning when the team has no
 * SCIM token. A found user must be in the IdP's team.
 */
export class UserResolution {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    /** validateSAMLemails for email NameIDs (step 5 of §3.4); without it no email is recorded. */
    private readonly emails?: EmailLinks,
    private readonly counts?: TeamCounts,
  ) {}

  /**
   * The reads of `resolve` for a returning user. They decide nothing (the store's lazy copy of a
   * legacy spar row is the same whoever reads it), so the ACS starts them while the response's
   * one-time claims run (FinalizeLoginHandler).
   */
  async find(idp: IdpRecord, nameId: NameId): Promise<FoundUser> {
    const normalized = normalizeNameId(nameId);
    const ssoId = nameIdXml(nameId);
    const hit = await this.spar.samlUsers.lookup(idp.issuer, normalized, ssoId);
    // One read for a returning user: the team is brig's `user.team`, which is what spar checks (getBrigUserTeam).
    return { normalized, ssoId, hit, user: hit ? await this.identity.users.get(hit.uid) : null };
  }

  /** `found`: what `find` read for this IdP and NameID, if the caller started it already. */
  async resolve(idp: IdpRecord, nameId: NameId, found: Promise<FoundUser> = this.find(idp, nameId)): Promise<UserId> {
    const { normalized, ssoId, hit, user } = await found;
    if (hit) {
      // The checks and their order are those of spar.
      if (user !== null && user.status !== 'deleted') {
        if (user.team !== idp.team) throw new DomainError('bad-team', "The user is not in the IdP's team");
        if (user.status === 'suspended') throw new DomainError('suspended', 'Account suspended');
        return hit.uid;
      }
    }

    if (!hit) {
      for (const old of idp.oldIssuers) {
        const prev = await this.spar.samlUsers.lookup(old, normalized, ssoId);
        if (!prev || !(await this.live(prev.uid)) || (await this.identity.teams.teamOf(prev.uid)) !== idp.team) continue;
        await this.spar.samlUsers.insert({ issuer: idp.issuer, normalizedNameId: normalized, ssoId, uid: prev.uid });
        await this.identity.users.update(prev.uid, { ssoId: brigSsoId(idp.issuer, nameId) });
        await this.spar.samlUsers.delete(old, normalized);
        return prev.uid;
      }
    }
    return this.provision(idp, nameId, normalized, ssoId);
  }

  private async provision(idp: IdpRecord, nameId: NameId, normalized: string, ssoId: string): Promise<UserId> {
    if (idp.replacedBy) throw new DomainError('cannont-provision-on-replaced-idp', 'Cannot provision users on a replaced IdP');
    if ((await this.spar.scimTokens.countByTeam(idp.team)) > 0) {
      throw new DomainError('not-found', 'Could not find SAML credentials, and auto-provisioning is disabled.');
    }
    const name = nameId.value;
    if (name.length < 1 || name.length > 128)
      throw new DomainError('bad-username', 'The NameID is not a valid user name (1-128 characters)');
    const uid = newUserId();
    // An email NameID: with the team's validateSAMLemails on, the address waits for its activation
    // link; off, it is activated at once (brig's `auto_activate`).
    const address = this.emails && nameId.format === NAMEID_FORMATS.email && isEmail(nameId.value) ? nameId.value : null;
    const email = address && this.emails ? await this.emails.emailColumns(idp.team, address) : null;
    const user = newUserRecord({ id: uid, team: idp.team, name, ssoId: brigSsoId(idp.issuer, nameId), ...email?.columns });
    await this.identity.users.put(user);
    await this.identity.teams.addMember({ team: idp.team, user: uid, role: 'member', invitedBy: null, invitedAt: null });
    // Counted as soon as SCIM can see the user (the member row), so a later failure leaves no uncounted user
    // (docs/decisions.md, "Counts for index paging"); nothing below undoes the member row.
    await this.counts?.changed(idp.team, 'users', 1);
    await this.spar.samlUsers.insert({ issuer: idp.issuer, normalizedNameId: normalized, ssoId, uid });
    if (address && email?.validate) await this.emails?.sendActivation(user, address);
    return uid;
  }

  /** A deleted (or vanished) brig user is re-provisioned, as in spar. */
  private async live(uid: UserId): Promise<boolean> {
    const u = await this.identity.users.get(uid);
    return u !== null && u.status !== 'deleted';
  }
}
