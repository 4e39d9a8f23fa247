import { ScimError } from '../errors';
import type { JsonObject } from '../json';

const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListPage {
  readonly resources: readonly JsonObject[];
  /**
   * Required by RFC 7644 for index paging; RFC 9865 lets a cursor-paged response omit it when the
   * service provider cannot count cheaply (absent here means: not in the response).
   */
  readonly totalResults?: number;
  /** 1-based index of the first resource; omitted in a cursor-paged response unless given. */
  readonly startIndex?: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
  /** A cursor-paged response (RFC 9865): no default startIndex, even on a last page without cursors. */
  readonly cursorPaging?: boolean;
}

function int(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * RFC 7644 §3.4.2 ListResponse. Counters are JSON integers (Okta rejects strings), `Resources`
 * is always present, even empty (Entra and the Microsoft suite read it), and the RFC 9865 cursors
 * appear when given. `totalResults` is left out only when not given (a cursor page, RFC 9865).
 */
export function listResponse(p: ListPage): JsonObject {
  const out: JsonObject = { schemas: [LIST_RESPONSE_SCHEMA] };
  if (p.totalResults !== undefined) out['totalResults'] = int('totalResults', p.totalResults);
  out['itemsPerPage'] = p.resources.length;
  if (p.startIndex !== undefined) out['startIndex'] = int('startIndex', p.startIndex);
  else if (!p.cursorPaging && p.nextCursor === undefined && p.previousCursor === undefined) out['startIndex'] = 1;
  if (p.nextCursor !== undefined) out['nextCursor'] = p.nextCursor;
  if (p.previousCursor !== undefined) out['previousCursor'] = p.previousCursor;
  out['Resources'] = [...p.resources];
  return out;
}

export interface Paging {
  readonly startIndex: number;
  readonly count: number;
  /** Present when the client asked for cursor paging (`cursor` given, possibly empty for the first page). */
  readonly cursor?: string;
}

/**
 * Reads `startIndex`, `count` and `cursor` query parameters (strings or absent). RFC 7644 §3.4.2.4:
 * a startIndex below 1 means 1, a negative count means 0; count is capped at `maxCount`.
 * Non-numbers are `invalidValue`; `count` beyond the cap is not an error. `startIndex` with a
 * cursor is `invalidValue` (RFC 9865 §2: one method per request).
 */
export function parsePaging(
  q: { startIndex?: string | undefined; count?: string | undefined; cursor?: string | undefined },
  opts: { defaultCount: number; maxCount: number },
): Paging {
  const num = (name: string, s: string | undefined): number | undefined => {
    if (s === undefined || s.trim() === '') return undefined;
    if (!/^[+-]?\d+$/.test(s.trim())) throw new ScimError('invalidValue', `'${name}' must be an integer, got '${s}'`);
    return Number(s.trim());
  };
  const start = num('startIndex', q.startIndex);
  const count = num('count', q.count);
  if (q.cursor !== undefined && start !== undefined) throw new ScimError('invalidValue', "Use either 'cursor' or 'startIndex', not both");
  const out: Paging = {
    startIndex: Math.max(1, Math.min(start ?? 1, Number.MAX_SAFE_INTEGER)),
    count: Math.min(Math.max(0, count ?? opts.defaultCount), opts.maxCount),
  };
  return q.cursor !== undefined ? { ...out, cursor: q.cursor } : out;
}
