import { DomainError, type IdpId, emailKey, idpId, isUuid } from '@sso/domain';
import type { IdentityStores, SparStores } from '@sso/persistence';

/** The instance-wide default SSO code and the email discovery of SSO codes. */
export class SsoSettingsHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly discoveryEnabled: boolean,
    /** Single-ingress IdPs have no domain, so `Z-Host` (which our ingress always sets) is ignored there. */
    private readonly multiIngress = false,
  ) {}

  async get(): Promise<{ default_sso_code: IdpId | null }> {
    return { default_sso_code: await this.spar.defaultIdp.get() };
  }

  async set(body: unknown): Promise<{ default_sso_code: IdpId | null }> {
    if (typeof body !== 'object' || body === null || !('default_sso_code' in body))
      throw new DomainError('bad-request', 'default_sso_code is required');
    const code = (body as { default_sso_code: unknown }).default_sso_code;
    if (code === null) {
      await this.spar.defaultIdp.set(null);
      return { default_sso_code: null };
    }
    if (typeof code !== 'string' || !isUuid(code)) throw new DomainError('bad-request', 'default_sso_code must be an IdP id or null');
    const id = idpId(code);
    if (!(await this.spar.idps.get(id))) throw new DomainError('not-found', 'Could not find IdP.');
    await this.spar.defaultIdp.set(id);
    return { default_sso_code: id };
  }

  /**
   * spar's rules: one activated SCIM-managed user with an sso_id; the team's only IdP, else the
   * first whose domain is the request's `Z-Host` (no `Z-Host`: the one without a domain).
   */
  async byEmail(email: unknown, zHost?: string): Promise<{ sso_code: IdpId } | null> {
    if (!this.discoveryEnabled) return null;
    if (typeof email !== 'string' || email.length > 254) throw new DomainError('bad-request', 'email is required');
    const uid = await this.identity.users.lookupEmail(emailKey(email));
    const user = uid ? await this.identity.users.get(uid) : null;
    if (!user || !user.activated || user.managedBy !== 'scim' || !user.ssoId) return null;
    const team = await this.identity.teams.teamOf(user.id);
    if (!team) return null;
    const idps = await this.spar.idps.listByTeam(team);
    const host = (this.multiIngress && zHost?.toLowerCase()) || null;
    const idp = idps.length === 1 ? idps[0] : idps.find((i) => i.domain === host);
    return idp ? { sso_code: idp.id } : null;
  }
}
