import { beforeAll, describe, expect, it } from 'vitest';
import { type ResponseParts, TestIdp, b64 } from '@sso/testing';
import { newRequestId } from './authn-request';
import { type ResponseSettings, validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';

const SP = 'http://localhost:8080/sso/finalize-login/0b0c5a47-3c8e-4a5f-9d1e-2f3a4b5c6d7e';
const ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
const MIN = 60_000;

/**
 * Validly signed responses that break a rule of SAML core or profiles which signature checks do
 * not cover: required IssueInstants, their bounds, the Issuer Format, the AuthnContext.
 */
describe('validateResponse: strictness beyond the signature', () => {
  let idp: TestIdp;
  const { ports, requests } = memoryResponsePorts(() => ({ issuer: idp.issuer, certBase64: idp.key.certBase64 }));
  const settings = (over: Partial<ResponseSettings> = {}): ResponseSettings => ({
    spEntityId: SP,
    clockSkewSeconds: 60,
    maxttlAuthreq: 7200,
    maxttlAuthresp: 7200,
    now: new Date(),
    ...over,
  });
  /** A response to a request issued `requestAgeMs` ago, mutated before the assertion is signed. */
  const build = (mutate: (xml: string) => string = (x) => x, p: Partial<ResponseParts> = {}, requestAgeMs = 0) => {
    const requestId = p.requestId === undefined ? newRequestId(new Date(Date.now() - requestAgeMs)) : p.requestId;
    if (requestId) requests.set(requestId, idp.issuer);
    const r = idp.unsignedResponse({ sp: SP, nameId: 'alice@example.com', ...p, requestId });
    return b64(idp.sign(mutate(r.xml), r.assertionId));
  };
  const onResponse = (f: (start: string) => string) => (xml: string) => xml.replace(/<samlp:Response [^>]*>/, f);
  const onAssertion = (f: (start: string) => string) => (xml: string) => xml.replace(/<saml:Assertion [^>]*>/, f);
  const dropInstant = (start: string) => start.replace(/ IssueInstant="[^"]*"/, '');
  const setInstant = (v: string) => (start: string) => start.replace(/ IssueInstant="[^"]*"/, ` IssueInstant="${v}"`);

  beforeAll(async () => {
    idp = await TestIdp.create();
  });

  it('grants the unmodified baseline (every case below changes one thing)', async () => {
    expect(await validateResponse(build(), settings(), ports())).toMatchObject({ kind: 'granted' });
  });

  describe('IssueInstant is required and in UTC, on the Response and on the Assertion', () => {
    it.each([
      ['Response without IssueInstant', onResponse(dropInstant), /Response needs an IssueInstant/],
      ['Response with an empty IssueInstant', onResponse(setInstant('')), /Response needs an IssueInstant/],
      ['Response IssueInstant a date only', onResponse(setInstant('2026-12-04')), /Response needs an IssueInstant/],
      ['Response IssueInstant with a zone offset', onResponse(setInstant('2026-12-04T10:00:00+01:00')), /Response needs an IssueInstant/],
      ['Assertion without IssueInstant', onAssertion(dropInstant), /Assertion needs an IssueInstant/],
      ['Assertion with an empty IssueInstant', onAssertion(setInstant('')), /Assertion needs an IssueInstant/],
      ['Assertion IssueInstant not a date', onAssertion(setInstant('yesterday')), /Assertion needs an IssueInstant/],
    ])('%s: bad-response-saml', async (_name, mutate, message) => {
      expect(await validateResponse(build(mutate), settings(), ports())).toMatchObject({
        kind: 'error',
        code: 'bad-response-saml',
        message: expect.stringMatching(message),
      });
    });

    it('accepts fractional seconds', async () => {
      const at = new Date().toISOString();
      const out = await validateResponse(
        build((x) => onAssertion(setInstant(at))(onResponse(setInstant(at))(x))),
        settings(),
        ports(),
      );
      expect(out).toMatchObject({ kind: 'granted' });
    });
  });

  describe('IssueInstant bounds', () => {
    const denied = (reason: RegExp) => ({ kind: 'denied', reasons: expect.arrayContaining([expect.stringMatching(reason)]) });

    it('denies a response issued before the request it answers (beyond the skew), on either element', async () => {
      const years = new Date('2018-01-01T00:00:00Z').toISOString();
      expect(await validateResponse(build(onResponse(setInstant(years))), settings(), ports())).toMatchObject(
        denied(/Response IssueInstant is before the request/),
      );
      expect(await validateResponse(build(onAssertion(setInstant(years))), settings(), ports())).toMatchObject(
        denied(/Assertion IssueInstant is before the request/),
      );
      // Request 10 minutes old, response issued 5 minutes before it: valid in every other respect.
      const early = build(undefined, { issueInstantOffset: -15 * 60 }, 10 * MIN);
      expect(await validateResponse(early, settings(), ports())).toMatchObject(denied(/IssueInstant is before the request it answers/));
    });

    it('allows the clock skew before the request, not a second more', async () => {
      expect(
        await validateResponse(build(undefined, { issueInstantOffset: -(10 * 60 + 50) }, 10 * MIN), settings(), ports()),
      ).toMatchObject({ kind: 'granted' });
      expect(
        await validateResponse(build(undefined, { issueInstantOffset: -(10 * 60 + 70) }, 10 * MIN), settings(), ports()),
      ).toMatchObject(denied(/before the request it answers/));
    });

    it('without a time in the request ID (UUIDv4 IDs of older versions), bounds it by the request lifetime', async () => {
      const v4 = '_2b6c5a47-3c8e-4a5f-9d1e-2f3a4b5c6d7e';
      expect(await validateResponse(build(undefined, { requestId: v4, issueInstantOffset: -30 * 60 }), settings(), ports())).toMatchObject({
        kind: 'granted',
      });
      const old = build(undefined, { requestId: '_3b6c5a47-3c8e-4a5f-9d1e-2f3a4b5c6d7e', issueInstantOffset: -31 * 60 });
      expect(await validateResponse(old, settings({ maxttlAuthreq: 1800 }), ports())).toMatchObject(
        denied(/IssueInstant is more than 1800s old/),
      );
    });

    it('denies a response older than maxttlAuthresp even for a request older still', async () => {
      const out = await validateResponse(
        build(undefined, { issueInstantOffset: -5 * 60 }, 10 * MIN),
        settings({ maxttlAuthresp: 120 }),
        ports(),
      );
      expect(out).toMatchObject(denied(/IssueInstant is more than 120s old/));
    });

    it('denies an IssueInstant in the future beyond the skew', async () => {
      expect(await validateResponse(build(undefined, { issueInstantOffset: 50 }), settings(), ports())).toMatchObject({ kind: 'granted' });
      expect(
        await validateResponse(build(undefined, { issueInstantOffset: 5 * 60, notOnOrAfter: 600 }), settings(), ports()),
      ).toMatchObject(denied(/is in the future/));
    });

    it('bounds an IdP-initiated response by the request lifetime (maxttlAuthreq)', async () => {
      const initiated = () => ({ ...ports(), allowsIdpInitiated: async () => true });
      const fresh = await validateResponse(
        build(undefined, { requestId: null, issueInstantOffset: -60 }),
        settings({ maxttlAuthreq: 300 }),
        initiated(),
      );
      expect(fresh).toMatchObject({ kind: 'granted', requestId: null });
      const stale = await validateResponse(
        build(undefined, { requestId: null, issueInstantOffset: -10 * 60 }),
        settings({ maxttlAuthreq: 300 }),
        initiated(),
      );
      expect(stale).toMatchObject(denied(/IssueInstant is more than 300s old/));
    });
  });

  describe('Issuer Format: omitted or entity (SAML profiles §4.1.4.2)', () => {
    const formatted = (which: 'Response' | 'Assertion', format: string) => (xml: string) => {
      const at = which === 'Response' ? xml.indexOf('<saml:Issuer>') : xml.lastIndexOf('<saml:Issuer>');
      return `${xml.slice(0, at)}<saml:Issuer Format="${format}">${xml.slice(at + '<saml:Issuer>'.length)}`;
    };

    it.each([
      ['Response', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
      ['Response', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
      ['Assertion', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'],
      ['Assertion', ''],
    ] as const)('%s Issuer with Format "%s": bad-response-saml', async (which, format) => {
      expect(await validateResponse(build(formatted(which, format)), settings(), ports())).toMatchObject({
        kind: 'error',
        code: 'bad-response-saml',
        message: expect.stringMatching(/Issuer Format/),
      });
    });

    it('grants the entity format on both', async () => {
      const out = await validateResponse(
        build((x) => formatted('Assertion', ENTITY)(formatted('Response', ENTITY)(x))),
        settings(),
        ports(),
      );
      expect(out).toMatchObject({ kind: 'granted' });
    });
  });

  describe('AuthnStatement needs an AuthnInstant and an AuthnContext with a class or declaration', () => {
    it.each([
      ['no AuthnContext', (x: string) => x.replace(/<saml:AuthnContext>[\s\S]*<\/saml:AuthnContext>/, '')],
      ['an empty AuthnContext', (x: string) => x.replace(/<saml:AuthnContext>[\s\S]*<\/saml:AuthnContext>/, '<saml:AuthnContext/>')],
      [
        'an AuthnContext with only an AuthenticatingAuthority',
        (x: string) =>
          x.replace(
            /<saml:AuthnContextClassRef>[^<]*<\/saml:AuthnContextClassRef>/,
            '<saml:AuthenticatingAuthority>https://a.example</saml:AuthenticatingAuthority>',
          ),
      ],
      ['an empty AuthnStatement', (x: string) => x.replace(/<saml:AuthnStatement[\s\S]*<\/saml:AuthnStatement>/, '<saml:AuthnStatement/>')],
      ['no AuthnInstant', (x: string) => x.replace(/ AuthnInstant="[^"]*"/, '')],
    ])('%s: bad-response-saml', async (_name, mutate) => {
      expect(await validateResponse(build(mutate), settings(), ports())).toMatchObject({
        kind: 'error',
        code: 'bad-response-saml',
        message: expect.stringMatching(/AuthnStatement needs/),
      });
    });

    it('grants a declaration reference instead of a class reference, and any class value', async () => {
      const declRef = (x: string) =>
        x.replace(
          /<saml:AuthnContextClassRef>[^<]*<\/saml:AuthnContextClassRef>/,
          '<saml:AuthnContextDeclRef>https://idp.example/decl</saml:AuthnContextDeclRef>',
        );
      expect(await validateResponse(build(declRef), settings(), ports())).toMatchObject({ kind: 'granted' });
      const anyClass = (x: string) => x.replace(/(<saml:AuthnContextClassRef>)[^<]*/, '$1urn:example:mfa');
      expect(await validateResponse(build(anyClass), settings(), ports())).toMatchObject({ kind: 'granted' });
    });
  });
});
