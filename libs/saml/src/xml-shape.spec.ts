import { describe, expect, it } from 'vitest';
import { XmlRejected, parseUntrustedXml } from './xml';
import { documentShapeProblem } from './xml-shape';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 16, maxElements: 100 };
const ROOT = '<r:Response xmlns:r="urn:x" a="1 > 0" b=\'q\'><r:Issuer>i</r:Issuer><!-- c --><?pi d?><![CDATA[<x/>]]><e/></r:Response>';

const refused = (xml: string) => {
  expect(() => parseUntrustedXml(xml, LIMITS)).toThrow(XmlRejected);
  expect(documentShapeProblem(xml)).not.toBeNull();
};
const accepted = (xml: string) => {
  expect(documentShapeProblem(xml)).toBeNull();
  expect(parseUntrustedXml(xml, LIMITS).documentElement.localName).toBe('Response');
};

describe('document shape: nothing but Misc around the one root element (XML 1.0 §2.1)', () => {
  it('accepts tabs, newlines, carriage returns and characters beyond the BMP, raw or as references', () => {
    accepted('<r:Response xmlns:r="urn:x" a="&#9;&#xA;">\t\r\n\u00e9 \u{1F600} &#13; &#x1F600; &#xFFFD;</r:Response>');
  });

  it('accepts the root alone, with an XML declaration, a BOM, and whitespace, comments and PIs around it', () => {
    accepted(ROOT);
    accepted(`<?xml version="1.0" encoding="UTF-8"?>\n${ROOT}`);
    accepted(`\uFEFF<?xml version="1.0"?>${ROOT}`);
    accepted(` \r\n\t<!-- before --><?before x?>${ROOT} \n<!-- after --><?after y?>\n\t `);
  });

  it.each([
    ['a second element after the root', `${ROOT}<foo/>`],
    ['a second copy of the root', `${ROOT}${ROOT}`],
    ['text after the root', `${ROOT}junk`],
    ['text after a trailing comment', `${ROOT}<!--x-->junk`],
    ['an entity reference after the root', `${ROOT}&amp;`],
    ['a stray end tag after the root', `${ROOT}</r:Response>`],
    ['CDATA after the root (xmldom throws on it)', `${ROOT}<![CDATA[x]]>`],
    ['a NUL after the root', `${ROOT}\u0000`],
    ['a non-breaking space after the root (not XML whitespace)', `${ROOT}\u00a0`],
    ['text before the root', `junk${ROOT}`],
    ['an element before the root', `<foo/>${ROOT}`],
    ['an XML declaration after whitespace', ` <?xml version="1.0"?>${ROOT}`],
    ['an XML declaration after the root', `${ROOT}<?xml version="1.0"?>`],
    ["'--' inside a trailing comment", `${ROOT}<!-- a -- b -->`],
    ['an unterminated trailing comment', `${ROOT}<!-- a`],
    ['a mismatched end tag inside the root', '<r:Response xmlns:r="urn:x"><a><b/></x></a></r:Response>'],
    ['an extra end tag inside the root', '<r:Response xmlns:r="urn:x"><a/></a></r:Response>'],
    ["']]>' in character data", '<r:Response xmlns:r="urn:x">a]]>b</r:Response>'],
    ['an unclosed root', '<r:Response xmlns:r="urn:x"><a/>'],
    ['no element at all', '<!-- nothing -->'],
    ['a start tag with an unquoted attribute', '<r:Response xmlns:r="urn:x" a=1/>'],
    ['a raw control character in text', '<r:Response xmlns:r="urn:x">a\u0001b</r:Response>'],
    ['a raw NUL in an attribute', '<r:Response xmlns:r="urn:x" a="\u0000"/>'],
    ['a lone surrogate', '<r:Response xmlns:r="urn:x">\ud800</r:Response>'],
    ['U+FFFE', '<r:Response xmlns:r="urn:x">\ufffe</r:Response>'],
    ['a character reference to NUL', '<r:Response xmlns:r="urn:x">&#0;</r:Response>'],
    ['a hexadecimal character reference to a surrogate', '<r:Response xmlns:r="urn:x">&#xD800;</r:Response>'],
    ['a character reference to BEL in an attribute', '<r:Response xmlns:r="urn:x" a="&#7;"/>'],
    ['a character reference beyond Unicode', '<r:Response xmlns:r="urn:x">&#x110000;</r:Response>'],
  ])('refuses %s', (_name, xml) => refused(xml));

  it('scans a large document in linear time (no regex backtracking on long runs of whitespace)', () => {
    const xml = `<r:Response xmlns:r="urn:x"${' '.repeat(200_000)}x/>`;
    const t = Date.now();
    expect(documentShapeProblem(xml)).toBe('malformed markup');
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
