import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from '@sso/scim';

/**
 * Where a cursor points: an offset into the query's (stable, computed) result order, or a store
 * cursor (the persistence layer's cursor over Cassandra's paging state) of a walk of the team.
 */
export type CursorPosition =
  | {
      /** Offset into the query's (stable) result order. */
      offset: number;
    }
  | {
      /** The store's opaque cursor (TeamStore.listMembers) where the next page starts. */
      page: string;
    };

/**
 * RFC 9865 cursors, MACed at the HTTP boundary: `base64url(json).base64url(hmac)`. A cursor is
 * bound to its query (team, filter, sort) and expires after `ttlSeconds`; a changed or foreign
 * cursor is `invalidCursor`, an old one `expiredCursor`.
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(
    key: string | undefined,
    readonly ttlSeconds = 600,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }

  encode(scope: string, pos: CursorPosition): string {
    const at = 'page' in pos ? { p: pos.page } : { o: pos.offset };
    const body = Buffer.from(JSON.stringify({ s: scope, ...at, t: Math.floor(this.now().getTime() / 1000) })).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The position in a cursor; '' is the first page. */
  decode(scope: string, cursor: string): CursorPosition {
    if (cursor === '') return { offset: 0 };
    const bad = () => new ScimError('invalidCursor', 'The cursor is invalid, or belongs to another query');
    const [body, sig, extra] = cursor.split('.');
    if (!body || !sig || extra !== undefined) throw bad();
    const want = this.mac(body);
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw bad();
    let v: { s?: unknown; o?: unknown; p?: unknown; t?: unknown };
    try {
      v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof v;
    } catch {
      throw bad();
    }
    if (v.s !== scope || typeof v.t !== 'number') throw bad();
    const isOffset = typeof v.o === 'number' && Number.isSafeInteger(v.o) && v.o >= 0;
    const isPage = typeof v.p === 'string' && v.p !== '';
    if (isOffset === isPage) throw bad();
    if (this.now().getTime() / 1000 - v.t > this.ttlSeconds)
      throw new ScimError('expiredCursor', 'The cursor has expired: start again from the first page');
    return isPage ? { page: v.p as string } : { offset: v.o as number };
  }
}
