import type { IdpId } from '@sso/domain';

/**
 * Table `brig.idp_login_options` (ours; spar's `idp` table stays exactly as spar.cql has it): per-IdP
 * login settings spar does not have: whether the IdP takes part in Single Logout, whether it may start logins itself (IdP-initiated,
 * unsolicited responses; off unless an admin turned it on, docs/design.md §6.11), and the binding its
 * SingleSignOnService takes the AuthnRequest with (taken from its metadata).
 */
/** HTTP-POST is spar's only binding and the default; HTTP-Redirect only for IdPs without POST. */
export type IdpSsoBinding = 'HTTP-POST' | 'HTTP-Redirect';

export interface IdpLoginOptions {
  /** May the IdP start logins itself; false when never set. */
  idpInitiated: boolean;
  /** HTTP-POST when never set. */
  ssoBinding: IdpSsoBinding;
  /** Does the IdP take part in SAML Single Logout (SP- and IdP-initiated); false when never set. */
  singleLogout: boolean;
}

export interface IdpLoginOptionsStore {
  /** The IdP's options in one read of its row (the defaults when there is none). */
  get(idp: IdpId): Promise<IdpLoginOptions>;
  setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void>;
  setSingleLogout(idp: IdpId, on: boolean): Promise<void>;
  /** HTTP-POST is stored as null (an absent value), so IdPs that never had Redirect need no row. */
  setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void>;
  /** Removes the IdP's row (IdP deletion); no-op when absent. */
  delete(idp: IdpId): Promise<void>;
}
