import type { IdpId } from '@sso/domain';
import type { IdpLoginOptionsStore, IdpSsoBinding } from '../ports/idp-login-options-store';

export class MemoryIdpLoginOptionsStore implements IdpLoginOptionsStore {
  private readonly idpInitiated = new Map<string, boolean>();
  private readonly redirect = new Set<string>();

  async allowsIdpInitiated(idp: IdpId): Promise<boolean> {
    return this.idpInitiated.get(idp.toLowerCase()) === true;
  }

  async setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    this.idpInitiated.set(idp.toLowerCase(), allowed);
  }

  async ssoBinding(idp: IdpId): Promise<IdpSsoBinding> {
    return this.redirect.has(idp.toLowerCase()) ? 'HTTP-Redirect' : 'HTTP-POST';
  }

  async setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    if (binding === 'HTTP-Redirect') this.redirect.add(idp.toLowerCase());
    else this.redirect.delete(idp.toLowerCase());
  }

  async delete(idp: IdpId): Promise<void> {
    this.idpInitiated.delete(idp.toLowerCase());
    this.redirect.delete(idp.toLowerCase());
  }
}
