import type { Clock, IdpId } from '@sso/domain';
import type { IdpLoginOptions, IdpLoginOptionsStore, IdpSsoBinding } from './ports/idp-login-options-store';
import { ReadCache } from './read-cache';

/**
 * The per-IdP login options as the login paths read them (`forLogin`), kept for `ttlSeconds` like
 * the IdP records (IdpLookupCache, the same `saml.idpCacheSeconds`): initiate-login reads the
 * binding on every login start. Absent rows are kept too (their defaults). This store's own `get`
 * stays fresh (IdP management compares before it writes); its writes empty the cache.
 */
export class IdpLoginOptionsCache implements IdpLoginOptionsStore {
  private readonly cache: ReadCache;
  readonly forLogin: Pick<IdpLoginOptionsStore, 'get'>;

  constructor(
    private readonly store: IdpLoginOptionsStore,
    clock: Clock,
    ttlSeconds: number,
  ) {
    const cache = new ReadCache(clock, ttlSeconds);
    this.cache = cache;
    this.forLogin = { get: (idp) => cache.read(idp.toLowerCase(), () => store.get(idp)) };
  }

  get(idp: IdpId): Promise<IdpLoginOptions> {
    return this.store.get(idp);
  }

  setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    return this.cache.write(this.store.setIdpInitiated(idp, allowed));
  }

  setSingleLogout(idp: IdpId, on: boolean): Promise<void> {
    return this.cache.write(this.store.setSingleLogout(idp, on));
  }

  setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    return this.cache.write(this.store.setSsoBinding(idp, binding));
  }

  delete(idp: IdpId): Promise<void> {
    return this.cache.write(this.store.delete(idp));
  }
}
