import type { IdpId } from '@sso/domain';
import type { IdpLoginOptionsStore } from '../ports/idp-login-options-store';

export class MemoryIdpLoginOptionsStore implements IdpLoginOptionsStore {
  private readonly idpInitiated = new Map<string, boolean>();

  async allowsIdpInitiated(idp: IdpId): Promise<boolean> {
    return this.idpInitiated.get(idp.toLowerCase()) === true;
  }

  async setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    this.idpInitiated.set(idp.toLowerCase(), allowed);
  }

  async delete(idp: IdpId): Promise<void> {
    this.idpInitiated.delete(idp.toLowerCase());
  }
}
