import type { Clock, IdpId, TeamId } from '@sso/domain';
import type { IdpRecord, IdpStore } from './ports/idp-store';
import { ReadCache } from './read-cache';

/** The IdP reads a login makes: initiate-login by id, the ACS by issuer. */
export type IdpLoginLookups = Pick<IdpStore, 'get' | 'getByIssuerAndTeam' | 'findByIssuer'>;

/**
 * An IdpStore whose writes also empty a cache of the login lookups (`forLogin`): every login
 * otherwise reads `issuer_idp_v2` and `idp` again for an IdP that changes a few times a year.
 * Only the login paths read through `forLogin` (for `ttlSeconds`, hits only, so a new IdP is
 * usable at once); this store's own reads stay fresh, because IdP management and the metadata
 * refresher write what they read. Writes here empty the cache, so this instance's logins see its
 * own changes at once, and other instances' logins see a changed, replaced or deleted IdP within
 * `ttlSeconds`.
 */
export class IdpLookupCache implements IdpStore {
  private readonly cache: ReadCache;
  readonly forLogin: IdpLoginLookups;

  constructor(
    private readonly store: IdpStore,
    clock: Clock,
    ttlSeconds: number,
  ) {
    const cache = new ReadCache(clock, ttlSeconds);
    this.cache = cache;
    this.forLogin = {
      get: (id) =>
        cache.read(
          `id\n${id}`,
          () => store.get(id),
          (v) => v !== null,
        ),
      getByIssuerAndTeam: (issuer, team) =>
        cache.read(
          `v2\n${team}\n${issuer}`,
          () => store.getByIssuerAndTeam(issuer, team),
          (v) => v !== null,
        ),
      findByIssuer: (issuer) =>
        cache.read(
          `v1\n${issuer}`,
          () => store.findByIssuer(issuer),
          (v) => v.length > 0,
        ),
    };
  }

  private write<T>(op: Promise<T>): Promise<T> {
    return this.cache.write(op);
  }

  get(id: IdpId): Promise<IdpRecord | null> {
    return this.store.get(id);
  }

  getByIssuerAndTeam(issuer: string, team: TeamId): Promise<IdpRecord | null> {
    return this.store.getByIssuerAndTeam(issuer, team);
  }

  findByIssuer(issuer: string): Promise<IdpRecord[]> {
    return this.store.findByIssuer(issuer);
  }

  listByTeam(team: TeamId): Promise<IdpRecord[]> {
    return this.store.listByTeam(team);
  }

  getRawMetadata(id: IdpId): Promise<string | null> {
    return this.store.getRawMetadata(id);
  }

  claimIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<boolean> {
    return this.write(this.store.claimIssuer(issuer, team, idp));
  }

  releaseIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<void> {
    return this.write(this.store.releaseIssuer(issuer, team, idp));
  }

  claimV1Issuer(issuer: string, idp: IdpId): Promise<boolean> {
    return this.write(this.store.claimV1Issuer(issuer, idp));
  }

  releaseV1Issuer(issuer: string, idp: IdpId): Promise<void> {
    return this.write(this.store.releaseV1Issuer(issuer, idp));
  }

  insert(idp: IdpRecord): Promise<void> {
    return this.write(this.store.insert(idp));
  }

  update(idp: IdpRecord): Promise<void> {
    return this.write(this.store.update(idp));
  }

  setReplacedBy(id: IdpId, replacedBy: IdpId | null): Promise<void> {
    return this.write(this.store.setReplacedBy(id, replacedBy));
  }

  deleteIssuerMapping(issuer: string, team: TeamId): Promise<void> {
    return this.write(this.store.deleteIssuerMapping(issuer, team));
  }

  delete(id: IdpId): Promise<boolean> {
    return this.write(this.store.delete(id));
  }

  putRawMetadata(id: IdpId, xml: string): Promise<void> {
    return this.write(this.store.putRawMetadata(id, xml));
  }

  deleteRawMetadata(id: IdpId): Promise<void> {
    return this.write(this.store.deleteRawMetadata(id));
  }
}
