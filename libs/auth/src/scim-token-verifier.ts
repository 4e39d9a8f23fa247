import { type Clock, systemClock } from '@sso/domain';
import type { ScimTokenAuthLookups, ScimTokenRecord, ScimTokenStore } from '@sso/persistence';
import { hashScimToken, plausibleScimToken, sameTokenKey } from './scim-token';

/** The outcome of checking a bearer token: the token, or why it is refused. */
export type ScimTokenCheck =
  { ok: true; token: ScimTokenRecord; expiresAt: Date | null; lastUsed: Date | null } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Authenticates a SCIM client's bearer token by keyed reads of `team_provisioning_by_token`: the
 * SHA-512 key first (one read for every token we issued or rehashed), the plaintext key only on a
 * miss (spar's legacy rows; spar itself asks `token_ IN (hash, plaintext)`). A legacy row is
 * rewritten under the hash on first use, as spar does, so plaintext secrets disappear from the
 * database as clients come by. The token's lifecycle row (expiry) is read with it, by the same
 * hash; expiry is compared with the clock on every call, also when the reads came from a cache.
 */
export class ScimTokenVerifier {
  constructor(
    private readonly auth: ScimTokenAuthLookups,
    private readonly tokens: ScimTokenStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async check(token: string): Promise<ScimTokenCheck> {
    if (!plausibleScimToken(token)) return { ok: false, reason: 'invalid' };
    const hash = hashScimToken(token);
    const found = await this.auth.find(hash, token);
    if (!found) return { ok: false, reason: 'invalid' };
    let rec: ScimTokenRecord;
    if (sameTokenKey(found.token.tokenKey, hash)) rec = found.token;
    else if (sameTokenKey(found.token.tokenKey, token)) rec = (await this.tokens.rehash(token, hash)) ?? { ...found.token, tokenKey: hash };
    else return { ok: false, reason: 'invalid' };
    const expiresAt = found.lifecycle?.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, token: rec, expiresAt, lastUsed: found.lifecycle?.lastUsed ?? null };
  }

  /** The token's record, or null when it is unknown, implausible or expired. */
  async verify(token: string): Promise<ScimTokenRecord | null> {
    const c = await this.check(token);
    return c.ok ? c.token : null;
  }
}
