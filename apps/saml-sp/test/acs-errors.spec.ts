import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdp, b64 } from '@sso/testing';
import type { TeamId } from '@sso/domain';
import { SamlHarness, titleOf } from './harness';

/** spar's answers to malformed ACS POSTs and IdP uploads (real Cassandra). */
describe('ACS and IdP upload error answers', () => {
  const h = new SamlHarness();
  const idp = { v: null as unknown as TestIdp };
  let team: TeamId;
  let token: string;
  let idpId: string;

  beforeAll(async () => {
    await h.start();
    idp.v = await TestIdp.create();
    ({ team, token } = await h.newTeam());
    idpId = await h.createIdp(token, idp.v);
  });
  afterAll(() => h.stop());

  /** A raw form POST to an ACS; `post` to the team's. */
  const postTo = (url: string, payload: string) =>
    h.t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const post = (payload: string) => postTo(`/sso/finalize-login/${team}`, payload);
  const field = (xml: string) => `SAMLResponse=${encodeURIComponent(b64(xml))}`;
  const response = (inner: string, status = 'urn:oasis:names:tc:SAML:2.0:status:Success') =>
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}">` +
    `<saml:Issuer>${idp.v.issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>${inner}</samlp:Response>`;

  it.each([
    ['a form without SAMLResponse', 'RelayState=x', 'bad-response-saml', 'Bad response: SAMLResponse form field missing from HTTP body'],
    ['an empty form', '', 'bad-response-saml', 'Bad response: SAMLResponse form field missing from HTTP body'],
    ['a field that is not base64', 'SAMLResponse=abc%24def%25', 'bad-response-encoding', 'Bad response: base64 error'],
    [
      'base64 of something that is not XML',
      `SAMLResponse=${encodeURIComponent(b64('hello'))}`,
      'bad-response-xml',
      'Bad response: XML parse error',
    ],
    ['a Success Response without assertions', null, 'bad-response-saml', 'Bad response: no assertions in AuthnResponse'],
  ])("%s: 400 %s, HTML with the label and spar's text", async (_name, payload, label, text) => {
    const r = await post(payload ?? field(response('')));
    expect(r.statusCode, r.body).toBe(400);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(titleOf(r.body)).toBe(`wire:sso:error:${label}`);
    expect(r.body).toContain(text);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('the same answers under a version prefix, and on the v1 ACS before any IdP is looked up', async () => {
    const noField = await postTo('/sso/finalize-login', 'x=1');
    expect(noField.statusCode).toBe(400);
    expect(titleOf(noField.body)).toBe('wire:sso:error:bad-response-saml');
    for (const url of [`/v7/sso/finalize-login/${team}`, `/v16/sso/finalize-login/${team}`]) {
      const r = await postTo(url, field(response('')));
      expect(r.statusCode).toBe(400);
      expect(titleOf(r.body)).toBe('wire:sso:error:bad-response-saml');
    }
  });

  it('a failure Response without assertions (the user cancelled at the IdP) is a denial the client can read, not a 400', async () => {
    const r = await post(field(response('', 'urn:oasis:names:tc:SAML:2.0:status:Responder')));
    expect(r.statusCode).toBe(200);
    expect(titleOf(r.body)).toBe('wire:sso:error:forbidden');
  });

  describe('IdP uploads', () => {
    const upload = (method: 'POST' | 'PUT', url: string, payload: string) =>
      h.t.app.inject({ method, url, payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });

    it.each(['{"value":', '{"value": "<x/>",}', '[', "{'value': 1}", '{"value":"' + '\u0000'.repeat(0) + '}'])(
      'malformed JSON %j is 400 invalid-metadata on POST and PUT',
      async (body) => {
        for (const [method, url] of [
          ['POST', '/identity-providers'],
          ['PUT', `/identity-providers/${idpId}`],
          ['POST', '/v7/identity-providers'],
        ] as const) {
          const r = await upload(method, url, body);
          expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(400);
          expect(r.json()).toMatchObject({ code: 400, label: 'invalid-metadata', message: expect.stringContaining('not valid JSON') });
        }
      },
    );

    it('an empty JSON body and JSON without metadata are invalid-metadata too; other routes keep bad-request', async () => {
      const empty = await upload('POST', '/identity-providers', '');
      expect(empty.statusCode).toBe(400);
      expect(empty.json().label).toBe('invalid-metadata');
      const none = await upload('POST', '/identity-providers', '{"other": 1}');
      expect(none.json().label).toBe('invalid-metadata');
      const settings = await h.inject('PUT', '/i/sso/settings', {
        body: '{"default_sso_code":',
        headers: { 'content-type': 'application/json' },
      });
      expect(settings.statusCode).toBe(400);
      expect(settings.json().label).toBe('bad-request');
      // The IdP is unchanged by the refused PUTs.
      expect((await h.inject('GET', `/identity-providers/${idpId}`, { token })).json().metadata.issuer).toBe(idp.v.issuer);
    });
  });
});
