import type { IdpId } from '@sso/domain';
import type { IdpLoginOptions, IdpLoginOptionsStore, IdpSsoBinding } from '../ports/idp-login-options-store';

export class MemoryIdpLoginOptionsStore implements IdpLoginOptionsStore {
  private readonly idpInitiated = new Map<string, boolean>();
  private readonly redirect = new Set<string>();
  private readonly singleLogout = new Set<string>();

  async get(idp: IdpId): Promise<IdpLoginOptions> {
    const id = idp.toLowerCase();
    return {
      idpInitiated: this.idpInitiated.get(id) === true,
      ssoBinding: this.redirect.has(id) ? 'HTTP-Redirect' : 'HTTP-POST',
      singleLogout: this.singleLogout.has(id),
    };
  }

  async setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    this.idpInitiated.set(idp.toLowerCase(), allowed);
  }

  async setSingleLogout(idp: IdpId, on: boolean): Promise<void> {
    if (on) this.singleLogout.add(idp.toLowerCase());
    else this.singleLogout.delete(idp.toLowerCase());
  }

  async setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    if (binding === 'HTTP-Redirect') this.redirect.add(idp.toLowerCase());
    else this.redirect.delete(idp.toLowerCase());
  }

  async delete(idp: IdpId): Promise<void> {
    this.idpInitiated.delete(idp.toLowerCase());
    this.redirect.delete(idp.toLowerCase());
    this.singleLogout.delete(idp.toLowerCase());
  }
}
