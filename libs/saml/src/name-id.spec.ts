import { describe, expect, it } from 'vitest';
import { NAMEID_FORMATS, type NameId, brigSsoId, nameIdXml, parseBrigSsoId, unescapeXml } from './name-id';

describe('NameID helpers', () => {
  it("escape ' and the other XML specials, and read back what they wrote", () => {
    const n: NameId = {
      value: `O'Brien & <Sons> "Ltd"`,
      format: NAMEID_FORMATS.persistent,
      nameQualifier: "idp'q",
      spNameQualifier: 'sp&q',
    };
    const xml = nameIdXml(n);
    expect(xml).toBe(
      '<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" NameQualifier="idp&apos;q" SPNameQualifier="sp&amp;q">O&apos;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;</NameID>',
    );
    expect(parseBrigSsoId(brigSsoId("https://idp.example.com/o'x", n))).toEqual({
      kind: 'saml',
      issuer: "https://idp.example.com/o'x",
      nameId: n,
    });
  });

  it('unescapes entities and numeric references, and leaves anything else alone', () => {
    expect(unescapeXml('&#39;&#x27;&apos;&amp;lt;&lt;&#128512;&bogus;&#x110000;')).toBe("'''&lt;<😀&bogus;&#x110000;");
  });
});
