import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestIdp } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';
import { runWithTestIdp } from './suite';

/** The CSP directives of a response, by name. */
function csp(header: unknown): Record<string, string> {
  expect(typeof header, 'a Content-Security-Policy header').toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values.join(' ')]),
  );
}

/** The sha256 CSP source of every inline script of a page. */
const scriptHashes = (html: string) =>
  [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );

/** The CSP of our HTML pages: nothing but the page's one inline script, forms only to `formAction`, no framing. */
const pagePolicy = (html: string, formAction: string) => ({
  'default-src': "'none'",
  'script-src': scriptHashes(html)[0],
  'base-uri': "'none'",
  'form-action': formAction,
  'frame-ancestors': "'none'",
});

function expectHtmlHeaders(headers: Record<string, unknown>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('saml-sp: security headers on its pages, no tokens in URLs or logs', () => {
  const h = new SamlHarness();
  let idp: TestIdp;

  runWithTestIdp(h, (created) => (idp = created));

  it('initiate-login: its one script allowed by hash, the form may post to the IdP origin only, no framing', async () => {
    const { token } = await h.newTeam();
    const id = await h.createIdp(token, idp);
    const page = await h.inject('GET', `/sso/initiate-login/${id}`);
    expect(page.statusCode).toBe(200);
    expectHtmlHeaders(page.headers);
    const policy = csp(page.headers['content-security-policy']);
    expect(policy).toEqual(pagePolicy(page.body, new URL(idp.ssoUrl).origin));
    expect(scriptHashes(page.body)).toHaveLength(1);
    // No inline event handler: it would need 'unsafe-hashes' to run.
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
    const action = /<form action="([^"]+)"/.exec(page.body)?.[1];
    expect(new URL(action!.replace(/&amp;/g, '&')).origin).toBe(policy['form-action']);
  });

  it('ACS verdicts: success and error pages allow exactly their own postMessage script', async () => {
    const { team, token } = await h.newTeam();
    const id = await h.createIdp(token, idp);
    const ok = await h.finalize(
      team,
      idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'csp.user@example.com' }).xml,
    );
    expect(titleOf(ok.body)).toBe('wire:sso:success');
    const bad = await h.finalize(team, 'not base64 at all %%%', { raw: true });
    expect(titleOf(bad.body)).toMatch(/^wire:sso:error:/);
    for (const r of [ok, bad]) {
      expectHtmlHeaders(r.headers);
      expect(csp(r.headers['content-security-policy'])).toEqual(pagePolicy(r.body, "'none'"));
      expect(r.body).toContain('window.opener.postMessage(');
    }
    // Each error page's hash covers its own payload: two labels, two hashes.
    const other = await h.finalize(team, idp.response({ sp: h.sp(team), requestId: 'unknown-request', nameId: 'x@example.com' }).xml);
    expect(titleOf(other.body)).not.toBe(titleOf(bad.body));
    expect(csp(other.headers['content-security-policy'])['script-src']).toBe(scriptHashes(other.body)[0]);
    expect(csp(other.headers['content-security-policy'])['script-src']).not.toBe(csp(bad.headers['content-security-policy'])['script-src']);
  });

  it('refuses access tokens in the query string of /identity-providers (400) and keeps them out of the logs', async () => {
    const { token } = await h.newTeam();
    const r = await h.inject('GET', `/identity-providers?access_token=${token}`);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 400, label: 'bad-request' });
    expect((await h.inject('GET', '/identity-providers', { token })).statusCode).toBe(200);
    expect(h.t.logs()).not.toContain(token);
  });

  it('keeps a SAML message in a query string out of the request log', async () => {
    const r = await h.inject('GET', '/sso/finalize-login?SAMLResponse=U0VDUkVULVNBTUw%3D');
    expect(r.statusCode).toBe(404);
    expect(h.t.logs()).toContain('SAMLResponse=[redacted]');
    expect(h.t.logs()).not.toContain('U0VDUkVULVNBTUw');
  });

  it('JSON answers carry nosniff and no HTML-only headers', async () => {
    const r = await h.inject('GET', '/identity-providers');
    expect(r.statusCode).toBe(401);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toBeUndefined();
  });
});
