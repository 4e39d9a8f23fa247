import { getVerifiedXml } from '@node-saml/node-saml/lib/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestIdp, type TestKey, makeTestKey } from '@sso/testing';
import { verifiedSignedXml } from './signature';
import { NS, children, parseUntrustedXml } from './xml';

const SP = 'https://sp.example.com/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';
const LIMITS = { maxBytes: 1 << 20, maxDepth: 64, maxElements: 10_000 };

type Outcome = { accepted: string } | 'refused';

/** What a verifier made of the element: the signed bytes it handed back, or a refusal (null or a throw). */
function outcome(verify: () => string | null): Outcome {
  try {
    const signed = verify();
    return signed === null ? 'refused' : { accepted: signed };
  } catch {
    return 'refused';
  }
}

describe('verifiedSignedXml', () => {
  let idp: TestIdp;
  let stranger: TestKey;
  beforeAll(async () => {
    idp = await TestIdp.create();
    stranger = await makeTestKey('stranger');
  });

  const signedAssertion = () => idp.response({ sp: SP, requestId: '_r1', nameId: 'alice@example.com' });
  const assertionOf = (doc: Document) => children(doc.documentElement, NS.assertion, 'Assertion')[0];

  /**
   * Each case builds a document and names the element to verify and the keys; the expected result
   * is stated, and node-saml's getVerifiedXml must come to the same one (with the same signed bytes).
   */
  const cases: {
    name: string;
    build: () => { xml: string; element?: (doc: Document) => Element; keys?: () => string[] };
    accepted: boolean;
  }[] = [
    { name: 'an assertion signed by the IdP', build: () => ({ xml: signedAssertion().xml }), accepted: true },
    {
      name: 'CRLF line ends outside the signed assertion',
      build: () => ({ xml: signedAssertion().xml.replace('</samlp:Status>', '</samlp:Status>\r\n') }),
      accepted: true,
    },
    {
      name: 'a comment put into the signed NameID (exclusive c14n leaves it out of the signed bytes)',
      build: () => ({ xml: signedAssertion().xml.replace('alice@example.com', 'alice@<!-- x -->example.com') }),
      accepted: true,
    },
    {
      name: 'the second of two configured keys verifies',
      build: () => ({ xml: signedAssertion().xml, keys: () => [stranger.certPem, idp.key.certPem] }),
      accepted: true,
    },
    {
      name: 'a signed Response verified at the Response',
      build: () => {
        const { xml } = idp.unsignedResponse({ sp: SP, requestId: '_r1' });
        const id = /<samlp:Response[^>]* ID="([^"]+)"/.exec(xml)![1];
        return { xml: idp.sign(xml, id, { localName: 'Response' }), element: (doc) => doc.documentElement };
      },
      accepted: true,
    },
    {
      name: 'the NameID changed after signing',
      build: () => ({ xml: signedAssertion().xml.replace('alice@', 'mallory@') }),
      accepted: false,
    },
    {
      name: 'only a stranger key is configured',
      build: () => ({ xml: signedAssertion().xml, keys: () => [stranger.certPem] }),
      accepted: false,
    },
    { name: 'no signature', build: () => ({ xml: idp.unsignedResponse({ sp: SP, requestId: '_r1' }).xml }), accepted: false },
    ...(['ID', 'Id', 'id', 'xx:ID'] as const).map((name) => ({
      name: `another element carries the assertion's ID as ${name}`,
      build: () => {
        const { xml, assertionId } = signedAssertion();
        const ns = name === 'xx:ID' ? ' xmlns:xx="urn:x"' : '';
        return { xml: xml.replace('<samlp:Status>', `<samlp:Status${ns} ${name}="${assertionId}">`) };
      },
      accepted: false,
    })),
    {
      name: 'two signatures on the assertion',
      build: () => {
        const { xml } = signedAssertion();
        const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];
        return { xml: xml.replace(signature, signature + signature) };
      },
      accepted: false,
    },
    {
      name: 'three transforms',
      build: () => ({
        xml: signedAssertion().xml.replace(
          '</ds:Transforms>',
          '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>',
        ),
      }),
      accepted: false,
    },
    {
      name: 'a quote in the reference',
      build: () => {
        const { xml, assertionId } = signedAssertion();
        return { xml: xml.replace(`URI="#${assertionId}"`, `URI="#${assertionId}'"`) };
      },
      accepted: false,
    },
    {
      name: "the reference names the Response, not the signature's parent",
      build: () => {
        const { xml, assertionId } = signedAssertion();
        const responseId = /<samlp:Response[^>]* ID="([^"]+)"/.exec(xml)![1];
        return { xml: xml.replace(`URI="#${assertionId}"`, `URI="#${responseId}"`) };
      },
      accepted: false,
    },
    {
      name: 'the signed assertion moved into an unsigned wrapper assertion with its ID (wrapping)',
      build: () => {
        const { xml } = signedAssertion();
        const original = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
        const evil = original
          .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
          .replace('alice@', 'mallory@')
          .replace('</saml:Assertion>', `<saml:Advice>${original}</saml:Advice></saml:Assertion>`);
        return { xml: xml.replace(original, evil) };
      },
      accepted: false,
    },
  ];

  it.each(cases)('$name: the same outcome as node-saml', ({ build, accepted }) => {
    const { xml, element = assertionOf, keys = () => [idp.key.certPem] } = build();
    const ours = outcome(() => verifiedSignedXml(xml, element(parseUntrustedXml(xml, LIMITS)), keys()));
    const theirs = outcome(() => getVerifiedXml(xml, element(parseUntrustedXml(xml, LIMITS)), keys()));
    expect(ours).toEqual(theirs);
    expect(ours === 'refused' ? 'refused' : 'accepted').toBe(accepted ? 'accepted' : 'refused');
  });

  it('hands back the canonical signed element, never the received text', () => {
    const xml = signedAssertion().xml.replace('alice@example.com', 'alice@<!-- x -->example.com');
    const signed = verifiedSignedXml(xml, assertionOf(parseUntrustedXml(xml, LIMITS)), [idp.key.certPem]);
    expect(signed).toMatch(/^<saml:Assertion /);
    expect(signed).toContain('alice@example.com');
    expect(signed).not.toContain('<!--');
  });

  it('says why a document is refused before any cryptography', () => {
    const { xml, assertionId } = signedAssertion();
    const dup = xml.replace('<samlp:Status>', `<samlp:Status Id="${assertionId}">`);
    expect(() => verifiedSignedXml(dup, assertionOf(parseUntrustedXml(dup, LIMITS)), [idp.key.certPem])).toThrow(
      'ID cannot refer to more than one element',
    );
    const nowhere = xml.replace(`URI="#${assertionId}"`, 'URI="#_nowhere"');
    expect(() => verifiedSignedXml(nowhere, assertionOf(parseUntrustedXml(nowhere, LIMITS)), [idp.key.certPem])).toThrow(
      'no element carries the referenced ID',
    );
  });
});
