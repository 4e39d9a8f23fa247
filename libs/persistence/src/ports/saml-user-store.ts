import type { UserId } from '@sso/domain';
import type { Page, PageRequest } from './paging';

/** A row of `user_v2`: a SAML identity (issuer, NameID) and the user it belongs to. */
export interface SamlUserRecord {
  issuer: string;
  /** The NameID text case-folded, qualifiers ignored (computed by the caller). */
  normalizedNameId: string;
  /** The NameID as an XML element string, exactly as spar writes it. */
  ssoId: string;
  uid: UserId;
}

/** Tables `user_v2` and legacy `user` (read, lazily migrated, deleted; never written anew). */
export interface SamlUserStore {
  /** The `user_v2` row only. */
  get(issuer: string, normalizedNameId: string): Promise<SamlUserRecord | null>;
  /**
   * spar's lookup order: `user_v2`, then legacy `user(issuer, sso_id = ssoId)`; a legacy hit is
   * copied into `user_v2` (lazy migration) and returned. The legacy row is kept, as in spar.
   */
  lookup(issuer: string, normalizedNameId: string, ssoId: string): Promise<SamlUserRecord | null>;
  /** Upsert into `user_v2`. */
  insert(rec: SamlUserRecord): Promise<void>;
  /**
   * Deletes the `user_v2` row and, in the same logged batch, the legacy `user` row keyed by its
   * sso_id, so a later lookup cannot resurrect the mapping through lazy migration.
   */
  delete(issuer: string, normalizedNameId: string): Promise<void>;
  /** `user_v2` rows of one issuer, in clustering order (UTF-8 byte order of the normalized NameID). */
  listByIssuer(issuer: string, page?: PageRequest): Promise<Page<SamlUserRecord>>;
  /** Deletes the issuer's partitions in `user_v2` and legacy `user`. */
  deleteAllByIssuer(issuer: string): Promise<void>;
}
