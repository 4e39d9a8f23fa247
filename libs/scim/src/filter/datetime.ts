const re = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * An xsd:dateTime as nanoseconds since the epoch, or undefined. Filters compare instants, not
 * strings: `2015-10-10T14:38:21.8617979-07:00` (the Microsoft suite's, seven fraction digits)
 * must compare correctly with `2015-10-10T21:38:21.861Z`. A missing offset means UTC; a bare date
 * means its midnight (lenient; RFC 7643 §2.3.5 asks for full timestamps).
 */
export function parseDateTime(s: string): bigint | undefined {
  const m = re.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    x === undefined ? undefined : Number(x),
  ) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || h > 23 || mi > 59 || sec > 60) return undefined;
  const ms = Date.UTC(y!, mo! - 1, d!, h, mi, Math.min(sec, 59));
  if (new Date(ms).getUTCDate() !== d) return undefined; // 2023-02-30
  const frac = m[7] ? BigInt((m[7] + '000000000').slice(0, 9)) : 0n;
  let offsetMinutes = 0;
  const tz = m[8];
  if (tz && tz !== 'Z' && tz !== 'z') {
    const digits = tz.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = digits.length > 3 ? Number(digits.slice(3, 5)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (tz.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + frac;
}
