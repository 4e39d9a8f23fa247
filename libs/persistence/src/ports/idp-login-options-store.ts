import type { IdpId } from '@sso/domain';

/**
 * Table `brig.idp_login_options` (ours; spar's `idp` table stays exactly as spar.cql has it): per-IdP
 * login settings spar does not have. Today one: whether the IdP may start logins itself
 * (IdP-initiated, unsolicited responses); off unless an admin turned it on (DESIGN §6.11).
 */
export interface IdpLoginOptionsStore {
  /** False when never set. */
  allowsIdpInitiated(idp: IdpId): Promise<boolean>;
  setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void>;
  /** Removes the IdP's row (IdP deletion); no-op when absent. */
  delete(idp: IdpId): Promise<void>;
}
