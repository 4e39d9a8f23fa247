import type { Clock, IdpId } from '@sso/domain';
import type { IdpLoginOptions, IdpLoginOptionsStore, IdpSsoBinding } from './ports/idp-login-options-store';
import { ReadCache } from './read-cache';

/**
 * The per-IdP login options in memory for `ttlSeconds`, like the IdP records themselves
 * (IdpLookupCache, the same `saml.idpCacheSeconds`): initiate-login reads the binding on every
 * login start. Absent rows are kept too (their defaults); writes through this store clear it.
 */
export class IdpLoginOptionsCache implements IdpLoginOptionsStore {
  private readonly cache: ReadCache;

  constructor(
    private readonly store: IdpLoginOptionsStore,
    clock: Clock,
    ttlSeconds: number,
  ) {
    this.cache = new ReadCache(clock, ttlSeconds);
  }

  get(idp: IdpId): Promise<IdpLoginOptions> {
    return this.cache.read(idp.toLowerCase(), () => this.store.get(idp));
  }

  setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    return this.cache.write(this.store.setIdpInitiated(idp, allowed));
  }

  setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    return this.cache.write(this.store.setSsoBinding(idp, binding));
  }

  delete(idp: IdpId): Promise<void> {
    return this.cache.write(this.store.delete(idp));
  }
}
