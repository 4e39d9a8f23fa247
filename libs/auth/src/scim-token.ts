import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new SCIM token: 32 random bytes, base64 with padding (44 characters), as spar makes them. */
export function generateScimToken(): string {
  return randomBytes(32).toString('base64');
}

/** What is stored instead of the token: `"sha512:" + base64(SHA-512(token))`, exactly as spar. */
export function hashScimToken(token: string): string {
  return `sha512:${createHash('sha512').update(token, 'utf8').digest('base64')}`;
}

/** Constant-time comparison of two stored token keys (or a legacy plaintext row and a token). */
export function sameTokenKey(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * The shape of a bearer value worth a database read. Anything else (too long, not base64-ish)
 * is refused before it costs a query.
 */
export function plausibleScimToken(token: string): boolean {
  return token.length >= 16 && token.length <= 512 && /^[A-Za-z0-9+/=_-]+$/.test(token);
}
