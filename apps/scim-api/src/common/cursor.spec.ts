import { describe, expect, it } from 'vitest';
import { ScimError } from '@sso/scim';
import { CursorCodec } from './cursor';

describe('CursorCodec', () => {
  let now = new Date('2026-11-30T07:00:00Z');
  const codec = new CursorCodec('a key of sixteen+ chars', 600, () => now);

  it('round-trips a position within its scope; empty is the first page', () => {
    expect(codec.decode('q1', '')).toEqual({ offset: 0 });
    expect(codec.decode('q1', codec.encode('q1', { offset: 42 }))).toEqual({ offset: 42 });
    expect(codec.decode('q1', codec.encode('q1', { page: 'WyJ0ZWFtIiwiMDEiXQ' }))).toEqual({ page: 'WyJ0ZWFtIiwiMDEiXQ' });
  });

  it('refuses another scope, another key, tampering and garbage as invalidCursor', () => {
    const c = codec.encode('q1', { offset: 5 });
    const other = new CursorCodec('another key, also long', 600, () => now);
    const [body, sig] = c.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'q1', o: 500, t: now.getTime() / 1000 })).toString('base64url');
    const both = Buffer.from(JSON.stringify({ s: 'q1', o: 5, p: 'x', t: now.getTime() / 1000 })).toString('base64url');
    // A correctly MACed body that is both an offset and a page is refused too.
    const macOf = (b: string) => (codec as unknown as { mac(t: string): Buffer }).mac(b).toString('base64url');
    for (const bad of [
      () => codec.decode('q2', c),
      () => other.decode('q1', c),
      () => codec.decode('q1', `${forged}.${sig}`),
      () => codec.decode('q1', 'x'),
      () => codec.decode('q1', `${body}.${sig}.x`),
      () => codec.decode('q1', `${both}.${macOf(both)}`),
    ]) {
      expect(bad).toThrow(ScimError);
      try {
        bad();
      } catch (e) {
        expect((e as ScimError).scimType).toBe('invalidCursor');
      }
    }
  });

  it('expires after its TTL as expiredCursor', () => {
    const c = codec.encode('q', { offset: 1 });
    now = new Date(now.getTime() + 601_000);
    expect(() => codec.decode('q', c)).toThrow(expect.objectContaining({ scimType: 'expiredCursor' }));
  });
});
