import type { Clock, IdpId, TeamId } from '@sso/domain';
import type { IdpRecord, IdpStore } from './ports/idp-store';
import { ReadCache } from './read-cache';

/**
 * The ACS's IdP lookups (`getByIssuerAndTeam`, `findByIssuer`, `get`) served from memory for
 * `ttlSeconds`: every login otherwise reads `issuer_idp_v2` and `idp` again for an IdP that
 * changes a few times a year. Only hits are kept (a new IdP is usable at once); every write
 * through this store empties the cache, so this instance sees its own changes at once, and other
 * instances see a changed, replaced or deleted IdP within `ttlSeconds`.
 */
export class IdpLookupCache implements IdpStore {
  private readonly cache: ReadCache;

  constructor(
    private readonly store: IdpStore,
    clock: Clock,
    ttlSeconds: number,
  ) {
    this.cache = new ReadCache(clock, ttlSeconds);
  }

  private cached<T>(key: string, load: () => Promise<T>, keep: (v: T) => boolean): Promise<T> {
    return this.cache.read(key, load, keep);
  }

  private write<T>(op: Promise<T>): Promise<T> {
    return this.cache.write(op);
  }

  get(id: IdpId): Promise<IdpRecord | null> {
    return this.cached(`id\n${id}`, () => this.store.get(id), (v) => v !== null);
  }

  getByIssuerAndTeam(issuer: string, team: TeamId): Promise<IdpRecord | null> {
    return this.cached(`v2\n${team}\n${issuer}`, () => this.store.getByIssuerAndTeam(issuer, team), (v) => v !== null);
  }

  findByIssuer(issuer: string): Promise<IdpRecord[]> {
    return this.cached(`v1\n${issuer}`, () => this.store.findByIssuer(issuer), (v) => v.length > 0);
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
