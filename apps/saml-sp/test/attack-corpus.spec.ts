import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdpId, TeamId, UserId } from '@sso/domain';
import { type ResponseParts, type TestApp, TestIdp, startTestApp } from '@sso/testing';
import { samlSp } from '../src/app';
import { SamlHarness, titleOf } from './harness';

/**
 * docs/saml-checks.md §1-2 as attacks. The attacker holds a valid account (mallory) at the
 * team's IdP, or none; the victim (admin@example.com) is a SCIM-provisioned user. Every case must
 * end without a session for anybody, without a 500, and with the expected label.
 */
const VICTIM = 'admin@example.com';
const MALLORY = 'mallory@example.com';

interface Ctx {
  h: SamlHarness;
  idp: TestIdp;
  idpId: IdpId;
  team: TeamId;
  sp: string;
  /** A fresh AuthnRequest ID. */
  req: () => Promise<string>;
  /** A validly signed response for a fresh request. */
  signed: (p?: Partial<ResponseParts>, preSign?: (xml: string) => string) => Promise<{ xml: string; assertionId: string }>;
}

interface Attack {
  name: string;
  /** The form field value (already base64 unless `raw` text is meant) or an XML to base64. */
  build: (c: Ctx) => Promise<{ xml?: string; field?: string; team?: TeamId | null; app?: TestApp }>;
  status: number;
  /** Title label; null for the unsolicited redirect. */
  label: string | null;
}

const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;
const SIGNATURE = /<ds:Signature[\s\S]*<\/ds:Signature>/;
const split = (xml: string) => {
  const a = ASSERTION.exec(xml)![0];
  return { head: xml.slice(0, xml.indexOf(a)), assertion: a, tail: xml.slice(xml.indexOf(a) + a.length) };
};
const asVictim = (assertion: string) => assertion.replace(MALLORY, VICTIM);
const unsign = (assertion: string) => assertion.replace(SIGNATURE, '');
const reId = (assertion: string, id: string) => assertion.replace(/ID="[^"]+"/, `ID="${id}"`);

const attacks: Attack[] = [
  // --- signature wrapping (XSW1-8 and relatives), the original signed for mallory ---
  {
    name: 'XSW1: evil Response around the signed original, which hides in Extensions',
    build: async (c) => {
      const orig = (await c.signed({ nameId: MALLORY })).xml;
      const { head, assertion, tail } = split(orig);
      const evilHead = head
        .replace(/ID="[^"]+"/, 'ID="_evilresp"')
        .replace(
          '<saml:Issuer>',
          `<samlp:Extensions>${orig.replace(/^<samlp:Response/, '<samlp:Response')}</samlp:Extensions><saml:Issuer>`,
        );
      return { xml: evilHead + unsign(asVictim(reId(assertion, '_evil'))) + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW2: the signed original Response as a child of the evil one (detached wrapping)',
    build: async (c) => {
      const orig = (await c.signed({ nameId: MALLORY })).xml;
      const { head, assertion, tail } = split(orig);
      return { xml: head + unsign(asVictim(reId(assertion, '_evil'))) + tail.replace('</samlp:Response>', `${orig}</samlp:Response>`) };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW3: unsigned evil Assertion before the signed one',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      return { xml: head + unsign(asVictim(reId(assertion, '_evil'))) + assertion + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW4: evil Assertion wrapping the signed one',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const evil = unsign(asVictim(reId(assertion, '_evil'))).replace('</saml:Assertion>', `${assertion}</saml:Assertion>`);
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW5: evil copy keeps the signature, original moved to the end of the Response',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      return { xml: head + asVictim(assertion) + tail.replace('</samlp:Response>', `${assertion}</samlp:Response>`) };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW6: evil copy keeps the signature, original inside its ds:Object',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const evil = asVictim(assertion).replace('</ds:Signature>', `<ds:Object>${assertion}</ds:Object></ds:Signature>`);
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW7: original hidden in samlp:Extensions, unsigned evil copy with the same ID',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const h2 = head.replace('<saml:Issuer>', `<samlp:Extensions>${assertion}</samlp:Extensions><saml:Issuer>`);
      return { xml: h2 + unsign(asVictim(assertion)) + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'XSW8: evil copy with the signature, unsigned original inside ds:Signature/ds:Object',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const evil = asVictim(assertion).replace('</ds:Signature>', `<ds:Object>${unsign(assertion)}</ds:Object></ds:Signature>`);
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'original hidden in saml:Advice of the evil assertion',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const evil = unsign(asVictim(reId(assertion, '_evil'))).replace(
        '<saml:Subject>',
        `<saml:Advice>${assertion}</saml:Advice><saml:Subject>`,
      );
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'original hidden in samlp:StatusDetail (CVE-2025-54369)',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const h2 = head.replace('</samlp:Status>', `<samlp:StatusDetail>${assertion}</samlp:StatusDetail></samlp:Status>`);
      return { xml: h2 + unsign(asVictim(reId(assertion, '_evil'))) + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'duplicate ID: evil assertion with ID spelled "Id" next to the original ID',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const id = /ID="([^"]+)"/.exec(assertion)![1];
      const evil = asVictim(assertion).replace(`ID="${id}"`, `ID="_evil" Id="${id}"`);
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'namespaced xx:ID attribute on the evil assertion',
    build: async (c) => {
      const { head, assertion, tail } = split((await c.signed({ nameId: MALLORY })).xml);
      const id = /ID="([^"]+)"/.exec(assertion)![1];
      const evil = asVictim(assertion).replace(`ID="${id}"`, `xmlns:xx="urn:x" xx:ID="${id}" ID="_evil"`);
      return { xml: head + evil + tail };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  // --- comment and text-node truncation ---
  {
    name: 'comment injected into a signed NameID after signing (c14n drops it: the full name counts)',
    build: async (c) => {
      const { xml } = await c.signed({ nameId: `${VICTIM}.evil.com` });
      return { xml: xml.replace(`${VICTIM}.evil.com`, `${VICTIM}<!---->.evil.com`) };
    },
    status: 200,
    label: 'not-found',
  },
  {
    name: 'comment in the NameID signed by the IdP',
    build: async (c) => ({ xml: (await c.signed({ nameId: `${VICTIM}<!---->.evil.com` })).xml }),
    status: 200,
    label: 'not-found',
  },
  {
    name: 'comment injected into DigestValue',
    build: async (c) => {
      const { xml } = await c.signed({ nameId: MALLORY });
      return { xml: asVictim(xml).replace(/<ds:DigestValue>([^<]{4})/, '<ds:DigestValue>$1<!---->') };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  // --- signature exclusion and certificate confusion ---
  {
    name: 'signature stripped',
    build: async (c) => ({ xml: asVictim((await c.signed({ nameId: MALLORY })).xml).replace(SIGNATURE, '') }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'empty SignatureValue',
    build: async (c) => ({
      xml: (await c.signed()).xml.replace(/<ds:SignatureValue>[^<]*<\/ds:SignatureValue>/, '<ds:SignatureValue></ds:SignatureValue>'),
    }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'NameID changed after signing',
    build: async (c) => ({ xml: asVictim((await c.signed({ nameId: MALLORY })).xml) }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'signed by a foreign key with its certificate in KeyInfo',
    build: async (c) => {
      const attacker = await TestIdp.create(c.idp.issuer);
      return { xml: attacker.response({ sp: c.sp, requestId: await c.req(), nameId: VICTIM }).xml };
    },
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'failure Response with an injected unsigned assertion (CVE-2022-39300 shape)',
    build: async (c) => ({
      xml: c.idp.unsignedResponse({
        sp: c.sp,
        requestId: await c.req(),
        nameId: VICTIM,
        status: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
      }).xml,
    }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'RSA-SHA1 / SHA-1 signature',
    build: async (c) => ({ xml: c.idp.response({ sp: c.sp, requestId: await c.req(), nameId: VICTIM }, { sha1: true }).xml }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'HMAC SignatureMethod',
    build: async (c) => ({
      xml: (await c.signed()).xml.replace(
        /SignatureMethod Algorithm="[^"]+"/,
        'SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"',
      ),
    }),
    status: 400,
    label: 'bad-response-signature',
  },
  {
    name: 'c14n #WithComments transform',
    build: async (c) => ({
      xml: (await c.signed()).xml.replace(
        /Transform Algorithm="http:\/\/www.w3.org\/2001\/10\/xml-exc-c14n#"/,
        'Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"',
      ),
    }),
    status: 400,
    label: 'bad-response-signature',
  },
  // --- replay and request binding ---
  {
    name: 'replay of an accepted response',
    build: async (c) => {
      const { xml } = await c.signed({ nameId: VICTIM });
      const first = await c.h.finalize(c.team, xml);
      expect(titleOf(first.body)).toBe('wire:sso:success');
      return { xml };
    },
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'replay on a second app instance (same keyspaces)',
    build: async (c) => {
      const { xml } = await c.signed({ nameId: VICTIM });
      expect(titleOf((await c.h.finalize(c.team, xml)).body)).toBe('wire:sso:success');
      return { xml, app: second };
    },
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'same assertion ID signed again for a new request (replay cache)',
    build: async (c) => {
      const { xml, assertionId } = await c.signed({ nameId: VICTIM });
      expect(titleOf((await c.h.finalize(c.team, xml)).body)).toBe('wire:sso:success');
      return { xml: (await c.signed({ nameId: VICTIM, assertionId })).xml };
    },
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'InResponseTo of a request never issued',
    build: async (c) => ({ xml: c.idp.response({ sp: c.sp, requestId: '_00000000-0000-4000-8000-000000000000', nameId: VICTIM }).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'InResponseTo of a request sent to another IdP of the team',
    build: async (c) => {
      const otherIdp = await TestIdp.create();
      const owner = await c.h.newUser(c.team, 'owner');
      const otherId = await c.h.createIdp(await c.h.bearer(owner), otherIdp, '', '/v8');
      return { xml: c.idp.response({ sp: c.sp, requestId: await c.h.initiate(otherId), nameId: VICTIM }).xml };
    },
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'Response InResponseTo differs from the signed one',
    build: async (c) => ({ xml: (await c.signed({ nameId: VICTIM, responseInResponseTo: await c.req() })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'unsolicited (IdP-initiated) response: 303 to initiate-login, no login',
    build: async (c) => ({ xml: c.idp.response({ sp: c.sp, requestId: null, nameId: VICTIM }).xml }),
    status: 303,
    label: null,
  },
  // --- audience, destination, recipient, issuer, team ---
  {
    name: 'wrong audience',
    build: async (c) => ({ xml: (await c.signed({ audience: 'https://other-sp.example.com' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'no AudienceRestriction',
    build: async (c) => ({ xml: (await c.signed({ audience: null })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'wrong Destination',
    build: async (c) => ({ xml: (await c.signed({ destination: 'https://other-sp.example.com/acs' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'wrong Recipient',
    build: async (c) => ({ xml: (await c.signed({ recipient: 'https://other-sp.example.com/acs' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'Response Issuer differs from the assertion Issuer',
    build: async (c) => ({ xml: (await c.signed({ responseIssuer: 'https://other-idp.example.com' })).xml }),
    status: 403,
    label: 'bad-response-saml',
  },
  {
    name: 'unknown issuer',
    build: async (c) => {
      const unknown = await TestIdp.create();
      return { xml: unknown.response({ sp: c.sp, requestId: await c.req(), nameId: VICTIM }).xml };
    },
    status: 404,
    label: 'not-found',
  },
  {
    name: "team A's response posted to team B's ACS (IdP not in B)",
    build: async (c) => {
      const other = await c.h.newTeam();
      return { xml: (await c.signed({ nameId: VICTIM })).xml, team: other.team };
    },
    status: 404,
    label: 'not-found',
  },
  {
    name: "team A's response at team B's ACS, same IdP registered in both (audience)",
    build: async (c) => {
      const other = await c.h.newTeam();
      await c.h.createIdp(other.token, c.idp);
      return { xml: (await c.signed({ nameId: VICTIM })).xml, team: other.team };
    },
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'v2 response posted to the v1 ACS',
    build: async (c) => ({ xml: (await c.signed({ nameId: VICTIM })).xml, team: null }),
    status: 404,
    label: 'not-found',
  },
  // --- time ---
  {
    name: 'expired (NotOnOrAfter 10 minutes ago)',
    build: async (c) => ({ xml: (await c.signed({ notOnOrAfter: -600, notBefore: -1200, issueInstantOffset: -1200 })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'not yet valid (NotBefore in 10 minutes)',
    build: async (c) => ({ xml: (await c.signed({ notBefore: 600 })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'IssueInstant in the future',
    build: async (c) => ({ xml: (await c.signed({ issueInstantOffset: 600 })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'SubjectConfirmationData expired while Conditions are valid',
    build: async (c) => ({
      xml: (
        await c.signed({}, (x) =>
          x.replace(/(<saml:SubjectConfirmationData[^>]*NotOnOrAfter=")[^"]+"/, `$1${new Date(Date.now() - 600_000).toISOString()}"`),
        )
      ).xml,
    }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'valid for longer than the replay cache keeps (ttl-error)',
    build: async (c) => ({ xml: (await c.signed({ notOnOrAfter: 3 * 3600 })).xml }),
    status: 400,
    label: 'ttl-error',
  },
  // --- profile ---
  {
    name: 'holder-of-key instead of bearer',
    build: async (c) => ({ xml: (await c.signed({ method: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'failure Status around a signed assertion',
    build: async (c) => ({ xml: (await c.signed({ status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'no AuthnStatement',
    build: async (c) => ({ xml: (await c.signed({ authnStatement: false })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'transient NameID',
    build: async (c) => ({ xml: (await c.signed({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' })).xml }),
    status: 200,
    label: 'forbidden',
  },
  {
    name: 'EncryptedAssertion',
    build: async (c) => ({
      xml: (await c.signed()).xml.replace(
        ASSERTION,
        '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>',
      ),
    }),
    status: 400,
    label: 'bad-response-saml',
  },
  // --- parsing, DOCTYPE, size ---
  {
    name: 'DOCTYPE with an internal entity',
    build: async (c) => ({ xml: `<!DOCTYPE r [<!ENTITY v "${VICTIM}">]>${(await c.signed()).xml.replace('alice@example.com', '&v;')}` }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'bare DOCTYPE',
    build: async (c) => ({ xml: `<!DOCTYPE samlp:Response>${(await c.signed()).xml}` }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'billion laughs',
    build: async () => ({
      xml: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`,
    }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'external entity (XXE)',
    build: async () => ({
      xml: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>',
    }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'oversized document (600 KiB)',
    build: async (c) => ({ xml: (await c.signed()).xml.replace('</samlp:Status>', `</samlp:Status><!--${'x'.repeat(600 * 1024)}-->`) }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'deeply nested elements',
    build: async (c) => ({
      xml: (await c.signed()).xml.replace('</samlp:Status>', `</samlp:Status>${'<a>'.repeat(500)}${'</a>'.repeat(500)}`),
    }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'malformed XML',
    build: async (c) => ({ xml: (await c.signed()).xml.slice(0, -20) }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'two root elements',
    build: async (c) => {
      const { xml } = await c.signed();
      return { xml: xml + xml };
    },
    status: 400,
    label: 'bad-response-xml',
  },
  // --- content outside the root element (XML 1.0 §2.1: only whitespace, comments and PIs) ---
  ...(
    [
      ['a second element after the root', (x: string) => `${x}<foo/>`],
      ['text after the root', (x: string) => `${x}junk`],
      ['text after a trailing comment', (x: string) => `${x}<!-- ok -->junk`],
      ['a stray end tag after the root', (x: string) => `${x}</samlp:Response>`],
      ['a CDATA section after the root', (x: string) => `${x}<![CDATA[x]]>`],
      ['text before the root', (x: string) => `junk${x}`],
      ['a mismatched end tag inside the Response', (x: string) => x.replace('</samlp:Status>', '</samlp:Status></saml:Foo>')],
    ] as const
  ).map(([what, f]): Attack => ({
    name: `trailing XML: ${what}`,
    build: async (c) => ({ xml: f((await c.signed()).xml) }),
    status: 400,
    label: 'bad-response-xml',
  })),
  {
    name: 'a character reference to NUL in the NameID (truncation in C consumers)',
    build: async (c) => ({ xml: (await c.signed({ nameId: `${VICTIM}&#0;.evil.example` })).xml }),
    status: 400,
    label: 'bad-response-xml',
  },
  {
    name: 'not base64',
    build: async () => ({ field: '<samlp:Response/>' }),
    status: 400,
    label: 'bad-response-encoding',
  },
  {
    name: 'deflated (redirect binding)',
    build: async (c) => ({ field: deflateRawSync(Buffer.from((await c.signed()).xml)).toString('base64') }),
    status: 400,
    label: 'bad-response-encoding',
  },
  {
    name: 'empty SAMLResponse',
    build: async () => ({ field: '' }),
    status: 400,
    label: 'bad-response-encoding',
  },
  {
    name: 'an AuthnRequest instead of a Response',
    build: async (c) => ({
      xml: `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" IssueInstant="${new Date().toISOString()}"/>`,
      team: c.team,
    }),
    status: 400,
    label: 'bad-response-saml',
  },
];

let second: TestApp;

describe(`SAML attack corpus (${attacks.length} cases)`, () => {
  const h = new SamlHarness();
  let ctx: Ctx;
  let victim: UserId;

  beforeAll(async () => {
    await h.start();
    second = await startTestApp(samlSp, h.config);
    const { team, token } = await h.newTeam();
    const idp = await TestIdp.create();
    const idpId = await h.createIdp(token, idp);
    // With a SCIM token nobody is auto-provisioned: a name the attacker invents finds no account.
    await h.addScimToken(team);
    victim = await h.bindUser(team, idp.issuer, VICTIM);
    await h.bindUser(team, idp.issuer, MALLORY);
    const sp = h.sp(team);
    const req = () => h.initiate(idpId);
    ctx = {
      h,
      idp,
      idpId,
      team,
      sp,
      req,
      signed: async (p = {}, preSign) => {
        const r = idp.unsignedResponse({ sp, requestId: await req(), nameId: VICTIM, ...p });
        const xml = preSign ? preSign(r.xml) : r.xml;
        return { xml: idp.sign(xml, r.assertionId), assertionId: r.assertionId };
      },
    };
  });
  afterAll(async () => {
    await second?.close();
    await h.stop();
  });

  it('has at least 40 cases', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
  });

  it('the unmodified response logs the victim in (the corpus mutates a working baseline)', async () => {
    const { xml } = await ctx.signed({ nameId: MALLORY });
    const r = await h.finalize(ctx.team, xml);
    expect(titleOf(r.body)).toBe('wire:sso:success');
  });

  it('whitespace, comments and processing instructions around the root are legal XML and log in', async () => {
    const { xml } = await ctx.signed({ nameId: MALLORY });
    const r = await h.finalize(
      ctx.team,
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- by the IdP -->\n${xml}\n<!-- end -->\n<?trace id=1?>\n`,
    );
    expect(titleOf(r.body)).toBe('wire:sso:success');
  });

  for (const a of attacks) {
    it(a.name, async () => {
      const built = await a.build(ctx);
      const before = (await h.identity.cookies.listByUser(victim)).length;
      const team = built.team === undefined ? ctx.team : built.team;
      const r =
        built.field !== undefined
          ? await h.finalize(team, built.field, { raw: true, app: built.app })
          : await h.finalize(team, built.xml!, { app: built.app });
      expect(r.statusCode, r.body.slice(0, 400)).toBe(a.status);
      expect(r.headers['set-cookie']).toBeUndefined();
      if (a.label === null) expect(r.headers.location).toBe(`/sso/initiate-login/${ctx.idpId}`);
      else expect(titleOf(r.body)).toBe(`wire:sso:error:${a.label}`);
      expect((await h.identity.cookies.listByUser(victim)).length).toBe(before);
      expect(h.t.logs() + second.logs()).not.toMatch(/"level":50/);
    });
  }
});
