import type { IdpId, TeamId } from '@sso/domain';

/** spar's `WireIdPAPIV1` / `WireIdPAPIV2`, stored as int 1 / 2; null (legacy rows) means v1. */
export type IdpApiVersion = 1 | 2;

export interface IdpRecord {
  id: IdpId;
  team: TeamId;
  /** The IdP's entityID. */
  issuer: string;
  /** Where AuthnRequests are POSTed. */
  requestUri: string;
  /**
   * Signing certificates as `<ds:KeyInfo ...>` XML strings, at least one: the first is stored in
   * `public_key`, the rest in `extra_public_keys` (both blobs of the UTF-8 text).
   */
  certs: string[];
  apiVersion: IdpApiVersion | null;
  /** Issuers this IdP used before (issuer change or `replaces`), newest first. */
  oldIssuers: string[];
  replacedBy: IdpId | null;
  /** Display name; null on legacy rows (the API shows a computed "IdP N"). */
  handle: string | null;
  /** Multi-ingress domain, or null. */
  domain: string | null;
}

/** Tables `idp`, `issuer_idp_v2`, `team_idp`, legacy `issuer_idp` (read + delete) and `idp_raw_metadata`. */
export interface IdpStore {
  /**
   * Claims `issuer_idp_v2(issuer, team)` for `idp` with a lightweight transaction (IF NOT
   * EXISTS): true if it was free or is already this IdP's, false if another IdP holds it. Of
   * several concurrent claims of one (issuer, team), exactly one wins. The caller claims before
   * `insert`/`update` and releases when the write fails.
   */
  claimIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<boolean>;
  /** Undoes a claim: deletes `issuer_idp_v2(issuer, team)` only if it still maps to `idp`. */
  releaseIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<void>;
  /**
   * v1's instance-wide claim: `issuer_idp(issuer)` for `idp` with a lightweight transaction, as
   * the (issuer, team) claim above. True if it was free or is already this IdP's. A row naming an
   * IdP that no longer exists (left by spar, or by a crash) is taken over once it is older than
   * `STALE_V1_CLAIM_MS`; a younger one may be a create in flight and holds. Of several concurrent
   * claims of one issuer, from any teams, exactly one wins.
   */
  claimV1Issuer(issuer: string, idp: IdpId): Promise<boolean>;
  /** Undoes a v1 claim: deletes `issuer_idp(issuer)` only if it still maps to `idp`. */
  releaseV1Issuer(issuer: string, idp: IdpId): Promise<void>;
  /**
   * Writes `idp`, `issuer_idp_v2(issuer, team)` and `team_idp(team, idp)` in one logged batch.
   * An upsert, as in spar: uniqueness of the issuer is the caller's claim before this.
   */
  insert(idp: IdpRecord): Promise<void>;
  /**
   * Overwrites the record (every column, nulls included) and (re)writes its issuer and team
   * mappings in one logged batch. Mappings of old issuers are removed with
   * `deleteIssuerMapping`, not here.
   */
  update(idp: IdpRecord): Promise<void>;
  get(id: IdpId): Promise<IdpRecord | null>;
  /** v2 lookup: the IdP mapped by `issuer_idp_v2(issuer, team)`. */
  getByIssuerAndTeam(issuer: string, team: TeamId): Promise<IdpRecord | null>;
  /**
   * v1 lookup across teams: every IdP that `issuer_idp_v2` maps the issuer to (in team order),
   * then the legacy `issuer_idp` row's IdP, without duplicates. Mappings whose IdP row is gone
   * are skipped. The caller decides what 0, 1 or several mean (404 / found / 409).
   */
  findByIssuer(issuer: string): Promise<IdpRecord[]>;
  /** The team's IdPs in `team_idp` clustering order (uuid order). */
  listByTeam(team: TeamId): Promise<IdpRecord[]>;
  /** Sets or clears `replaced_by`. No-op for an IdP that does not exist. */
  setReplacedBy(id: IdpId, replacedBy: IdpId | null): Promise<void>;
  /**
   * Removes the lookup rows of `issuer` for `team`: `issuer_idp_v2(issuer, team)` and the legacy
   * `issuer_idp(issuer)` row if it points to an IdP of this team (or to no IdP at all). Other
   * teams' mappings of the same issuer stay (spar's v1 path deleted the whole issuer partition).
   */
  deleteIssuerMapping(issuer: string, team: TeamId): Promise<void>;
  /**
   * Deletes the IdP in one logged batch: `idp`, its `team_idp` row, its `issuer_idp_v2(issuer,
   * team)` row, its `default_idp` row, and the legacy `issuer_idp` row if that points to it.
   * Returns false if there was no such IdP. Raw metadata is deleted separately, as in spar.
   */
  delete(id: IdpId): Promise<boolean>;

  putRawMetadata(id: IdpId, xml: string): Promise<void>;
  getRawMetadata(id: IdpId): Promise<string | null>;
  deleteRawMetadata(id: IdpId): Promise<void>;
}

/** How old a v1 claim whose IdP does not exist must be before another IdP may take it over. */
export const STALE_V1_CLAIM_MS = 10 * 60 * 1000;

/** What both adapters refuse to store. */
export function checkIdpRecord(idp: IdpRecord): void {
  if (idp.certs.length === 0) throw new RangeError('an IdP needs at least one certificate');
  if (idp.apiVersion !== null && idp.apiVersion !== 1 && idp.apiVersion !== 2)
    throw new RangeError(`bad IdP api version ${String(idp.apiVersion)}`);
}
