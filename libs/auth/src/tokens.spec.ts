import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { FakeClock, type UserId } from '@sso/domain';
import { generateKeyEntry, keyRingFromEntries } from './signing-keys';
import { TokenError, TokenService } from './tokens';

const uid = '5c4f6a37-52d8-4b8b-8d0a-2a1e4a1f6e01' as UserId;
const ring = (...entries: ReturnType<typeof generateKeyEntry>[]) => keyRingFromEntries(entries);
const b64url = (s: string) => Buffer.from(s).toString('base64url');

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TokenError) return e.reason;
    throw e;
  }
  return 'accepted';
}

describe('TokenService', () => {
  const k1 = generateKeyEntry('k1');
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const tokens = new TokenService(ring(k1), clock, 900);

  it('issues access tokens that verify, carrying the user and the expiry', async () => {
    const t = await tokens.issueAccess(uid);
    expect(await tokens.verifyAccess(t)).toEqual({ userId: uid, expiresAt: new Date(Date.UTC(2026, 0, 1) + 900_000) });
  });

  it('refuses an access token once expired', async () => {
    const c = new FakeClock(Date.UTC(2026, 0, 1));
    const s = new TokenService(ring(k1), c, 900);
    const t = await s.issueAccess(uid);
    c.advance(899_000);
    expect(await reason(s.verifyAccess(t))).toBe('accepted');
    c.advance(2_000);
    expect(await reason(s.verifyAccess(t))).toBe('expired');
  });

  it('refuses tampered tokens', async () => {
    const t = await tokens.issueAccess(uid);
    const [h, , sig] = t.split('.');
    const other = b64url(JSON.stringify({ typ: 'access', sub: '00000000-0000-0000-0000-000000000000', iss: 'sso-scim', iat: 1, exp: 4e9 }));
    expect(await reason(tokens.verifyAccess(`${h}.${other}.${sig}`))).toBe('bad-signature');
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    expect(await reason(tokens.verifyAccess(`${h}.${t.split('.')[1]}.${flipped}`))).toBe('bad-signature');
  });

  it('refuses tokens signed by a key it does not know, even under a known kid', async () => {
    const foreign = new TokenService(ring(generateKeyEntry('k1')), clock);
    expect(await reason(tokens.verifyAccess(await foreign.issueAccess(uid)))).toBe('bad-signature');
    const unknown = new TokenService(ring(generateKeyEntry('elsewhere')), clock);
    expect(await reason(tokens.verifyAccess(await unknown.issueAccess(uid)))).toBe('unknown-key');
  });

  it('refuses alg=none and other algorithms', async () => {
    const none = `${b64url(JSON.stringify({ alg: 'none', kid: 'k1' }))}.${b64url(JSON.stringify({ typ: 'access', sub: uid, iss: 'sso-scim', iat: 1, exp: 4e9 }))}.`;
    expect(await reason(tokens.verifyAccess(none))).not.toBe('accepted');
    const hs = `${b64url(JSON.stringify({ alg: 'HS256', kid: 'k1' }))}.${b64url(JSON.stringify({ typ: 'access', sub: uid }))}.abc`;
    expect(await reason(tokens.verifyAccess(hs))).not.toBe('accepted');
  });

  it('keeps access tokens and cookies apart', async () => {
    const cookie = await tokens.issueCookie({ userId: uid, cookieId: 42n, expiresAt: new Date(Date.UTC(2026, 1, 1)), persistent: true });
    expect(await reason(tokens.verifyAccess(cookie))).toBe('wrong-type');
    expect(await reason(tokens.verifyCookie(await tokens.issueAccess(uid)))).toBe('wrong-type');
    expect(await tokens.verifyCookie(cookie)).toEqual({
      userId: uid,
      cookieId: 42n,
      expiresAt: new Date(Date.UTC(2026, 1, 1)),
      persistent: true,
    });
  });

  it('signs exactly what jose would sign: the same header, claims in the same order, the same Ed25519 signature', async () => {
    const k = ring(k1).signing;
    const iat = Math.floor(clock.now().getTime() / 1000);
    const joseToken = (claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
        .setIssuer('sso-scim')
        .setSubject(uid)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(k.privateKey!);
    expect(await tokens.issueAccess(uid)).toBe(await joseToken({ typ: 'access' }, iat + 900));
    const expires = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    const cookie = await tokens.issueCookie({ userId: uid, cookieId: 9223372036854775807n >> 1n, expiresAt: expires, persistent: false });
    expect(cookie).toBe(
      await joseToken({ typ: 'cookie', cid: (9223372036854775807n >> 1n).toString(), per: false }, expires.getTime() / 1000),
    );
    expect(JSON.parse(Buffer.from(cookie.split('.')[0], 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: 'k1' });
  });

  it('refuses to sign an expiry that is not a whole number of seconds', async () => {
    const at = new Date(Number.NaN);
    await expect(tokens.issueCookie({ userId: uid, cookieId: 1n, expiresAt: at, persistent: true })).rejects.toThrow(/whole number/);
  });

  it('rotates keys: tokens of a key still listed verify, of a removed key do not', async () => {
    const k2 = generateKeyEntry('k2');
    const old = await tokens.issueAccess(uid);
    const rotated = new TokenService(ring(k2, { ...k1, privateKey: undefined as unknown as string }), clock);
    const fresh = await rotated.issueAccess(uid);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe('k2');
    expect(await reason(rotated.verifyAccess(old))).toBe('accepted');
    const retired = new TokenService(ring(k2), clock);
    expect(await reason(retired.verifyAccess(old))).toBe('unknown-key');
  });

  it.each(['', 'abc', 'a.b.c', 'x'.repeat(5000), '..', 'eyJhbGciOiJFZERTQSJ9.e30.'])('refuses malformed %j', async (t) => {
    expect(['malformed', 'unknown-key']).toContain(await reason(tokens.verifyAccess(t)));
  });

  it('makes 63-bit cookie ids', () => {
    const ids = new Set(Array.from({ length: 100 }, () => TokenService.newCookieId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id >= 0n && id < 2n ** 63n).toBe(true);
  });
});
