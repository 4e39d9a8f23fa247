/**
 * "Applied by me on a previous attempt": an LWT whose connection died after it was sent may have
 * been applied. Its retry then answers `[applied] = false`, because the condition now sees our own
 * write. This module reads the row back (at the serial consistency, so it sees every accepted
 * Paxos round) and tells whether it holds exactly what the statement wrote: then the first attempt
 * applied it. Only the statement shapes this code base writes are understood; for anything else
 * the answer is "unknown" and the caller keeps the original error.
 */

type Verdict = 'applied' | 'not-applied' | 'unknown';

/** A read that settles it: the CQL, its parameters, and how to judge the row it returns. */
interface ConfirmPlan {
  cql: string;
  params: unknown[];
  judge: (row: Record<string, unknown> | undefined) => Verdict;
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)`;
const countMarks = (s: string) => (s.match(/\?/g) ?? []).length;
const unquote = (c: string) => (c.startsWith('"') ? c.slice(1, -1) : c.toLowerCase());

/** Equality across the shapes the driver returns (Uuid, Long, Date, Buffer, sets as arrays). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (a instanceof Date || b instanceof Date) return new Date(a as Date).getTime() === new Date(b as Date).getTime();
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  // Parameters are often given as text (uuids, bigints) and come back as driver objects.
  if (typeof a === 'string' || typeof b === 'string') return String(a) === String(b);
  if (typeof (a as { equals?: unknown }).equals === 'function') return (a as { equals(o: unknown): boolean }).equals(b);
  if (typeof (b as { equals?: unknown }).equals === 'function') return (b as { equals(o: unknown): boolean }).equals(a);
  if (Array.isArray(a) || Array.isArray(b) || a instanceof Set || b instanceof Set) {
    const xs = [...(a as Iterable<unknown>)];
    const ys = [...(b as Iterable<unknown>)];
    return xs.length === ys.length && xs.every((x) => ys.some((y) => sameValue(x, y)));
  }
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

/**
 * Splits `a = ?, b = null, "c" = ?` into [column as written, its row key, the value it gets]
 * (`?` takes the next parameter).
 */
function assignments(list: string, params: unknown[]): Array<[string, string, unknown]> | undefined {
  const out: Array<[string, string, unknown]> = [];
  let p = 0;
  for (const part of list.split(',')) {
    const m = new RegExp(String.raw`^\s*(${IDENT})\s*=\s*(\?|null)\s*$`, 'i').exec(part);
    if (!m) return undefined; // col = col + ?, functions, literals: not ours to judge
    out.push([m[1], unquote(m[1]), m[2] === '?' ? params[p++] : null]);
  }
  return out;
}

/**
 * The read that tells whether `cql` (an LWT) was applied, or undefined when its shape is not
 * understood. `existing` is the row the refused retry returned (for INSERT ... IF NOT EXISTS it is
 * the whole current row, so no read is needed).
 */
export function confirmPlan(
  cql: string,
  params: unknown[],
): ConfirmPlan | { judgeExisting: (row: Record<string, unknown>) => Verdict } | undefined {
  const flat = cql.replace(/\s+/g, ' ').trim();
  const insert = new RegExp(String.raw`^INSERT INTO (\S+) \(([^)]*)\) VALUES \(([^)]*)\) IF NOT EXISTS( USING TTL \?)?$`, 'i').exec(flat);
  if (insert) {
    const cols = insert[2].split(',').map((c) => unquote(c.trim()));
    const vals = insert[3].split(',').map((v) => v.trim());
    let p = 0;
    const expected = cols.map((c, i): [string, unknown] | undefined => (vals[i] === '?' ? [c, params[p++]] : undefined));
    return {
      judgeExisting: (row) =>
        expected.every((e) => e === undefined || (e[0] in row && sameValue(e[1], row[e[0]]))) ? 'applied' : 'not-applied',
    };
  }
  const update = new RegExp(String.raw`^UPDATE (\S+)( USING TTL \?)? SET (.+?) WHERE (.+?) IF (.+)$`, 'i').exec(flat);
  if (update) {
    const [, table, ttl, set, where] = update;
    const setParams = params.slice(ttl ? 1 : 0);
    const assigned = assignments(set, setParams);
    if (!assigned) return undefined;
    const whereStart = (ttl ? 1 : 0) + countMarks(set);
    const whereParams = params.slice(whereStart, whereStart + countMarks(where));
    return {
      cql: `SELECT ${assigned.map(([written]) => written).join(', ')} FROM ${table} WHERE ${where}`,
      params: whereParams,
      judge: (row) => (row && assigned.every(([, key, v]) => sameValue(v, row[key])) ? 'applied' : 'not-applied'),
    };
  }
  const del = new RegExp(String.raw`^DELETE FROM (\S+) WHERE (.+?) IF (.+)$`, 'i').exec(flat);
  if (del) {
    const [, table, where] = del;
    return {
      cql: `SELECT * FROM ${table} WHERE ${where}`,
      params: params.slice(0, countMarks(where)),
      // Gone: the delete we sent is what removed it (or the row is as we wanted it anyway).
      judge: (row) => (row ? 'not-applied' : 'applied'),
    };
  }
  return undefined;
}
