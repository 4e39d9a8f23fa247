/** Tables `authreq` and `verdict`: the AuthnRequests this SP issued and how to answer each. */

export interface AuthnRequestRecord {
  /** The AuthnRequest ID (`_<uuid>`), echoed by the IdP as InResponseTo. */
  id: string;
  /** entityID of the IdP the request was sent to; the assertion's issuer must match it. */
  idpIssuer: string;
  /** now + TTL at write time; the row disappears then (Cassandra TTL). */
  endOfLife: Date;
}

/**
 * How finalize-login answers: `format_con` 0 = web, 1 = mobile (with both redirect URLs), as spar;
 * 2 = page (ours: a login started at the enterprise-login page `/sso/login`, answered with a
 * redirect to its result page).
 */
export type VerdictFormat = { kind: 'web' } | { kind: 'mobile'; successRedirect: string; errorRedirect: string } | { kind: 'page' };

export interface VerdictRecord {
  format: VerdictFormat;
  /** Cookie label passed to brig's sso-login; null when the client gave none. */
  cookieLabel: string | null;
}

export type ConsumeOutcome = 'consumed' | 'other-idp' | 'unknown';

export interface AuthnRequestStore {
  /**
   * Records an issued request for `ttlSeconds`. Returns false if the id is already live (ids are
   * random, so that means a bug or an attack, never a retry to ignore).
   */
  put(id: string, idpIssuer: string, ttlSeconds: number): Promise<boolean>;
  /** The live request, or null when unknown or expired. */
  get(id: string): Promise<AuthnRequestRecord | null>;
  /**
   * One-time use by the IdP it was sent to: deletes the request if it is live and was sent to
   * `idpIssuer`, atomically across app instances (one round trip). Of several concurrent
   * consumers of one id, exactly one gets `consumed`. A request sent to another IdP is left
   * alone (`other-idp`), so a response from the wrong IdP cannot use up someone's login.
   */
  consume(id: string, idpIssuer: string): Promise<ConsumeOutcome>;
  /** Deletes the request (no-op when absent). */
  delete(id: string): Promise<void>;

  /** Stores the verdict format for a request; spar uses twice the request's TTL. */
  putVerdict(id: string, verdict: VerdictRecord, ttlSeconds: number): Promise<void>;
  getVerdict(id: string): Promise<VerdictRecord | null>;
}
