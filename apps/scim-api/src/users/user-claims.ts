import type { TeamId, UserId } from '@sso/domain';
import type { IdentityStores, IdpLoginLookups, ScimTokenRecord, SparStores } from '@sso/persistence';
import { ScimError } from '@sso/scim';
import { type SamlIdentity, samlIdentity, scimExternalSsoId } from './sso-identity';
import { type ValidatedUser, validateUser } from './user-input';
import type { UsersSettings } from './user-reader';

export const taken = (what: string) => new ScimError('uniqueness', `${what} is already taken`);

/** Waits for every write (none is left running), then throws the first failure, if any. */
export async function settleAll(writes: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * What creating and updating a user share: validation for the token, the identity the token's IdP
 * gives an externalId, and the unique claims (externalId per team, the SAML identity), taken with
 * lightweight transactions before anything else is written.
 */
export class UserClaims {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly settings: Pick<UsersSettings, 'richInfoLimit'>,
    /**
     * Where the token's IdP is read: the app passes the persistence root's IdP lookup cache (as
     * the logins do; `saml.idpCacheSeconds`), since only its issuer is used. A deleted IdP, or a
     * changed issuer, shows on another instance within that bound (docs/decisions.md, "The IdP and
     * validateSAMLemails of a SCIM write from the lookup cache"). By default the store itself.
     */
    private readonly idps: Pick<IdpLoginLookups, 'get'> = spar.idps,
  ) {}

  async identityOf(token: ScimTokenRecord, externalId: string): Promise<{ saml: SamlIdentity | null; ssoId: string }> {
    if (!token.idp) return { saml: null, ssoId: scimExternalSsoId(externalId) };
    const idp = await this.idps.get(token.idp);
    if (!idp) throw new ScimError('bad-request', "The SCIM token's identity provider no longer exists");
    const saml = samlIdentity(idp.issuer, externalId);
    return { saml, ssoId: saml.ssoId };
  }

  validate(token: ScimTokenRecord, body: unknown): ValidatedUser {
    return validateUser(body, { richInfoLimit: this.settings.richInfoLimit, needsEmail: token.idp === null });
  }

  /** Whether the SAML identity belongs to another existing user. */
  async samlIdentityTaken(saml: SamlIdentity, uid: UserId): Promise<boolean> {
    const existing = await this.spar.samlUsers.get(saml.issuer, saml.normalizedNameId);
    return existing !== null && existing.uid !== uid && (await this.identity.users.get(existing.uid)) !== null;
  }

  /**
   * Claims `(team, externalId)` for `uid`. A Created row whose user no longer exists is a leftover
   * (spar re-creates over it): it is released and claimed again, and that dead user is returned
   * as `leftoverOf` (its userName claim may still be there: its deletion can be halfway). A row
   * still Creating belongs to a create in flight and is a conflict. `creating` when the row is not
   * (yet) Created: this claim, or a concurrent one of the same user, inserted it.
   */
  async claimExternalId(team: TeamId, externalId: string, uid: UserId): Promise<{ creating: boolean; leftoverOf: UserId | null }> {
    let leftoverOf: UserId | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      const c = await this.spar.scimExternal.claim(team, externalId, uid);
      if (c.ok) return { creating: c.record.status === 'creating', leftoverOf };
      if (c.owner.status === 'created') {
        const owner = await this.identity.users.get(c.owner.uid);
        if (!owner || owner.team !== team || owner.status === 'deleted') {
          await this.spar.scimExternal.release(team, externalId, c.owner.uid);
          leftoverOf = c.owner.uid;
          continue;
        }
      }
      break;
    }
    throw taken('externalId');
  }

  /**
   * Claims the userName for `uid`, the holder of its externalId. A claim held by the dead user
   * whose externalId `claimExternalId` just took over (`leftoverOf`) is that user's leftover: it
   * is released and claimed again. Only that user: a userName held by any other user without a
   * brig row may be a create in flight.
   */
  async claimHandle(handle: string, uid: UserId, leftoverOf: UserId | null): Promise<boolean> {
    const c = await this.identity.users.claimHandle(handle, uid);
    if (c.ok) return true;
    if (leftoverOf === null || c.owner !== leftoverOf) return false;
    await this.identity.users.releaseHandle(handle, leftoverOf);
    return (await this.identity.users.claimHandle(handle, uid)).ok;
  }
}
