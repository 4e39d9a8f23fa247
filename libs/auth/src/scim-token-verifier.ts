import type { ScimTokenRecord, ScimTokenStore } from '@sso/persistence';
import { hashScimToken, plausibleScimToken, sameTokenKey } from './scim-token';

/**
 * Authenticates a SCIM client's bearer token by keyed reads of `team_provisioning_by_token`: the
 * SHA-512 key first (one read for every token we issued or rehashed), the plaintext key only on a
 * miss (spar's legacy rows; spar itself asks `token_ IN (hash, plaintext)`). A legacy row is
 * rewritten under the hash on first use, as spar does, so plaintext secrets disappear from the
 * database as clients come by.
 */
export class ScimTokenVerifier {
  constructor(private readonly tokens: ScimTokenStore) {}

  async verify(token: string): Promise<ScimTokenRecord | null> {
    if (!plausibleScimToken(token)) return null;
    const hash = hashScimToken(token);
    const rec = await this.tokens.lookup(hash, token);
    if (!rec) return null;
    if (sameTokenKey(rec.tokenKey, hash)) return rec;
    if (sameTokenKey(rec.tokenKey, token)) return (await this.tokens.rehash(token, hash)) ?? { ...rec, tokenKey: hash };
    return null;
  }
}
