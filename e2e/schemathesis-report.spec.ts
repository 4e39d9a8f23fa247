import { describe, expect, it } from 'vitest';
import { parseJUnit } from './schemathesis-report';

// The shape schemathesis 4 writes with `--report junit` (trimmed from a real run before the fixes).
const REPORT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="1" failures="2" skipped="0" tests="3" time="5.99">
  <testsuite name="schemathesis" hostname="vm" errors="1" failures="2" skipped="0" tests="3" time="5.99">
    <testcase name="POST /scim/v2/Groups" time="0.17">
      <failure type="failure" message="ST105">1. Test Case ID: 6HVwB6

- ST105 Undocumented Content-Type

    Received: application/scim+json; charset=utf-8
    Documented: application/json</failure>
      <failure type="failure" message="ST103">- ST103 Undocumented status code &amp; &quot;415&quot;</failure>
    </testcase>
    <testcase name="GET /self" time="0.01"/>
    <testcase name="GET /a&lt;b&gt;" time="0.01">
      <error type="error" message="Network Error">Connection refused</error>
    </testcase>
  </testsuite>
</testsuites>`;

describe('parseJUnit', () => {
  it('counts operations, failures and errors, naming the operation and the check', () => {
    const r = parseJUnit(REPORT);
    expect(r.tests).toBe(3);
    expect(r.failures).toHaveLength(2);
    expect(r.failures[0]).toMatch(/^POST \/scim\/v2\/Groups: ST105\n1\. Test Case ID/);
    expect(r.failures[1]).toBe('POST /scim/v2/Groups: ST103\n- ST103 Undocumented status code & "415"');
    expect(r.errors).toEqual(['GET /a<b>: Network Error\nConnection refused']);
  });

  it('a report without failures has none', () => {
    expect(parseJUnit(REPORT.replace(/<failure[\s\S]*?<\/failure>|<error[\s\S]*?<\/error>/g, ''))).toEqual({
      tests: 3,
      failures: [],
      errors: [],
    });
  });

  it('refuses what is not a JUnit report (an empty or truncated file never passes as zero failures)', () => {
    expect(() => parseJUnit('')).toThrow(/not a JUnit report/);
    expect(() => parseJUnit('<html>oops</html>')).toThrow(/not a JUnit report/);
  });
});
