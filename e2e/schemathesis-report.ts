/** What a schemathesis JUnit report says: one test case per API operation, failures and errors in it. */
export interface SchemathesisReport {
  /** Operations tested. */
  tests: number;
  /** One entry per `<failure>`: `METHOD /path: ST103 …` (the check's code and its first lines). */
  failures: string[];
  /** One entry per `<error>` (the run could not test the operation: a schema or network error). */
  errors: string[];
}

const unescape = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-f]+));/gi, (_, name: string, dec?: string, hex?: string) =>
    dec
      ? String.fromCodePoint(Number(dec))
      : hex
        ? String.fromCodePoint(parseInt(hex, 16))
        : { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name.toLowerCase()]!,
  );

/** Parses the report of `schemathesis run --report junit` (no XML library: the format is flat). */
export function parseJUnit(xml: string): SchemathesisReport {
  if (!/<testsuites[\s>]/.test(xml)) throw new Error(`not a JUnit report: ${xml.slice(0, 200)}`);
  const report: SchemathesisReport = { tests: 0, failures: [], errors: [] };
  for (const c of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    report.tests += 1;
    const name = unescape(/\bname="([^"]*)"/.exec(c[1]!)?.[1] ?? '?');
    for (const f of (c[3] ?? '').matchAll(/<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const message = unescape(/\bmessage="([^"]*)"/.exec(f[2]!)?.[1] ?? '');
      const text = unescape(f[3] ?? '')
        .trim()
        .split('\n')
        .slice(0, 12)
        .join('\n');
      (f[1] === 'failure' ? report.failures : report.errors).push(`${name}: ${message}\n${text}`);
    }
  }
  return report;
}
