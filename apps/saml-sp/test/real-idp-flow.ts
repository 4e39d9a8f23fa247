import { expect } from 'vitest';
import type { IdpId, TeamId } from '@sso/domain';
import { SP_SSO, type SamlHarness } from './harness';
import type { HttpAnswer, Pysaml2Idp } from './pysaml2-idp';

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The IdP's auto-post form: where it sends the browser and the SAMLResponse it carries. */
interface IdpAnswer {
  /** How our initiate-login sent the browser to the IdP. */
  binding: 'POST' | 'Redirect';
  acs: string;
  samlResponse: string;
}

/** A new team whose SP the IdP trusts, with the pysaml2 IdP registered from its metadata URL. */
export async function teamWithIdp(h: SamlHarness, idp: Pysaml2Idp): Promise<{ team: TeamId; token: string; idpId: IdpId }> {
  const { team, token } = await h.newTeam();
  await idp.trustSp((await h.inject('GET', `/sso/metadata/${team}`)).body);
  const r = await h.inject('POST', '/identity-providers', { token, body: { url: idp.metadataUrl } });
  expect(r.statusCode, r.body).toBe(201);
  expect(r.json().metadata.issuer).toBe(idp.issuer);
  return { team, token, idpId: r.json().id as IdpId };
}

/**
 * A browser's first two legs: GET our initiate-login (on the listening app), then to the IdP,
 * posting the auto-submit form or following the 303; `user` tells the IdP whom to log in.
 */
export async function throughIdp(h: SamlHarness, idp: Pysaml2Idp, idpId: IdpId, user: string, query = ''): Promise<IdpAnswer> {
  const start = await fetch(`${h.t.url}/sso/initiate-login/${idpId}${query}`, { redirect: 'manual' });
  let answer: HttpAnswer;
  let binding: IdpAnswer['binding'];
  if (start.status === 303) {
    binding = 'Redirect';
    const location = start.headers.get('location') ?? '';
    expect(location.startsWith(`${idp.base}/sso?SAMLRequest=`), location).toBe(true);
    answer = await idp.request('GET', `${location}&user=${encodeURIComponent(user)}`);
  } else {
    binding = 'POST';
    const html = await start.text();
    expect(start.status, html).toBe(200);
    const action = unescapeHtml(/<form action="([^"]+)" method="post">/.exec(html)?.[1] ?? '');
    const samlRequest = /name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(action).toBe(`${idp.base}/sso`);
    const form = new URLSearchParams({ SAMLRequest: samlRequest, user }).toString();
    answer = await idp.request('POST', action, form, { 'content-type': 'application/x-www-form-urlencoded' });
  }
  if (answer.status !== 200) throw new Error(`the IdP refused the AuthnRequest (${answer.status}): ${answer.body}`);
  const acs = /<form action="([^"]+)" method="post">/.exec(answer.body)?.[1];
  const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(answer.body)?.[1];
  if (!acs || !samlResponse) throw new Error(`no auto-post form from the IdP: ${answer.body}`);
  return { binding, acs: unescapeHtml(acs), samlResponse: unescapeHtml(samlResponse) };
}

/**
 * The third leg: the browser posts the IdP's form to our ACS. The SP's public origin (SP_SSO)
 * maps onto the listening app, as an ingress would map it.
 */
export async function toAcs(h: SamlHarness, answer: Pick<IdpAnswer, 'acs' | 'samlResponse'>): Promise<Response> {
  expect(answer.acs.startsWith(`${SP_SSO}/finalize-login`), answer.acs).toBe(true);
  return fetch(`${h.t.url}${new URL(answer.acs).pathname}`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ SAMLResponse: answer.samlResponse }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** All three legs. */
export async function browserLogin(h: SamlHarness, idp: Pysaml2Idp, idpId: IdpId, user: string, query = ''): Promise<Response> {
  return toAcs(h, await throughIdp(h, idp, idpId, user, query));
}
