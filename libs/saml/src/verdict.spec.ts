import { createPrivateKey } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { describe, expect, it } from 'vitest';
import { DomainError, type TeamId, errorCodes, labelOf, statusOf } from '@sso/domain';
import { makeTestKey } from '@sso/testing';
import { buildAuthnRequest, renderAuthnRequestForm, signAuthnRequest } from './authn-request';
import { renderSpMetadata, spEntityId } from './sp';
import { renderMobileError, renderMobileSuccess, renderWebDenial, renderWebError, renderWebSuccess, verdictFormatOf } from './verdict';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
  return 'ok';
};

describe('verdict formats (initiate-login query)', () => {
  it('web without redirects, mobile with both, 400 with one', () => {
    expect(verdictFormatOf({})).toEqual({ kind: 'web' });
    expect(verdictFormatOf({ success_redirect: 'wire://a', error_redirect: 'wire://b' })).toEqual({
      kind: 'mobile',
      successRedirect: 'wire://a',
      errorRedirect: 'wire://b',
    });
    expect(code(() => verdictFormatOf({ success_redirect: 'wire://a' }))).toBe('need-both-redirect-urls');
    expect(code(() => verdictFormatOf({ success_redirect: 'http://a', error_redirect: 'wire://b' }))).toBe('invalid-schema');
    expect(code(() => verdictFormatOf({ success_redirect: 'wiremobile://a', error_redirect: 'wire://b' }))).toBe('ok');
    expect(code(() => verdictFormatOf({ success_redirect: `wire://${'x'.repeat(134)}`, error_redirect: 'wire://b' }))).toBe('url-too-long');
    expect(code(() => verdictFormatOf({ success_redirect: `wire://${'x'.repeat(133)}`, error_redirect: 'wire://b' }))).toBe('ok');
  });
});

describe('outcome pages', () => {
  it('web pages carry spar titles and the real label', () => {
    expect(renderWebSuccess().body).toContain('<title>wire:sso:success</title>');
    const e = renderWebDenial('bad-team', ['</script><script>alert(1)</script>']);
    expect(e.status).toBe(200);
    expect(e.body).toContain('<title>wire:sso:error:bad-team</title>');
    expect(e.body).toContain('"label":"bad-team"');
    expect(e.body).not.toContain('</script><script>');
  });

  it('the HTML verdict renderer answers every code with its status and label from the table', () => {
    for (const code of errorCodes) {
      const page = renderWebError({ code, message: `why ${code}` });
      expect(page.status, code).toBe(statusOf(code));
      expect(page.headers['content-type']).toBe('text/html;charset=utf-8');
      expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-/);
      expect(page.body).toContain(`<title>wire:sso:error:${labelOf(code)}</title>`);
      expect(page.body).toContain(`{"type":"AUTH_ERROR","payload":{"label":"${labelOf(code)}","errors":["why ${code}"]}}`);
    }
    // An Issuer that is not the IdP's: 403 with spar's label.
    const issuer = renderWebError({ code: 'bad-response-issuer', message: 'signed Issuer is not the IdP' });
    expect(issuer.status).toBe(403);
    expect(issuer.body).toContain('<title>wire:sso:error:bad-response-saml</title>');
  });

  it('mobile redirects substitute $cookie, $userid and $label', () => {
    expect(renderMobileSuccess('wire://ok?c=$cookie&u=%24userid', 'zuid=abc; Path=/', 'u1').headers.location).toBe(
      'wire://ok?c=zuid=abc; Path=/&u=u1',
    );
    const err = renderMobileError('wire://err/$label', 'forbidden', ['expired']);
    expect(err).toMatchObject({ status: 303, headers: { location: 'wire://err/forbidden' }, body: '["expired"]' });
  });
});

describe('SP identity, metadata and AuthnRequest', () => {
  const team = '7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11' as TeamId;
  it('derives the entity id per API version', () => {
    expect(spEntityId({ spSsoUri: 'https://w.example/sso/' }, null)).toBe('https://w.example/sso/finalize-login');
    expect(spEntityId({ spSsoUri: 'https://w.example/sso' }, team)).toBe(`https://w.example/sso/finalize-login/${team}`);
  });

  it('renders metadata with contacts and no keys', () => {
    const xml = renderSpMetadata(
      { spSsoUri: 'https://w.example/sso', contacts: [{ type: 'ContactTechnical', email: 'email:ops@w.example', company: 'A&B' }] },
      team,
      new Date(0),
    );
    expect(xml).toContain('contactType="technical"');
    expect(xml).toContain('<md:Company>A&amp;B</md:Company>');
    expect(xml).toContain('validUntil="1971-01-01T00:00:00.000Z"');
    expect(xml).not.toContain('KeyDescriptor');
  });

  it("builds spar's AuthnRequest and the auto-post form", () => {
    const req = buildAuthnRequest('https://w.example/sso/finalize-login', new Date(0), { id: '_abc' });
    expect(req.xml).toContain('ID="_abc"');
    expect(req.xml).toContain('AllowCreate="true"');
    expect(req.xml).not.toContain('Destination');
    const form = renderAuthnRequestForm('https://idp.example/sso?a=1&b="2"', req);
    expect(form).toContain('action="https://idp.example/sso?a=1&amp;b=&quot;2&quot;"');
    expect(form).toContain(`value="${Buffer.from(req.xml).toString('base64')}"`);
  });
});

describe('signed AuthnRequests (SP key configured)', () => {
  it('signs the request so that the SP certificate verifies it, and publishes the key in metadata', async () => {
    const key = await makeTestKey('sp');
    const signing = { keyPem: key.keyPem, privateKey: createPrivateKey(key.keyPem), certBase64: key.certBase64 };
    const req = signAuthnRequest(buildAuthnRequest('https://w.example/sso/finalize-login', new Date(0), { id: '_signed' }), signing);
    expect(req.xml).toMatch(/<saml:Issuer>[^<]*<\/saml:Issuer><ds:Signature/);
    const doc = new DOMParser().parseFromString(req.xml, 'text/xml');
    const sigEl = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
    const verifier = new SignedXml({ publicCert: key.certPem });
    verifier.loadSignature(sigEl);
    expect(verifier.checkSignature(req.xml)).toBe(true);
    expect(verifier.checkSignature(req.xml.replace('AllowCreate="true"', 'AllowCreate="false"'))).toBe(false);

    const md = renderSpMetadata({ spSsoUri: 'https://w.example/sso', contacts: [], signing }, null, new Date(0));
    expect(md).toContain('AuthnRequestsSigned="true"');
    expect(md).toContain(
      `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${key.certBase64}<`,
    );
    // The same certificate for encryption, offering only what we decrypt (GCM, OAEP; never CBC).
    const mdDoc = new DOMParser().parseFromString(md, 'text/xml');
    const kds = Array.from(mdDoc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'KeyDescriptor'));
    expect(kds.map((k) => k.getAttribute('use'))).toEqual(['signing', 'encryption']);
    expect(kds[1].getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate')[0].textContent).toBe(key.certBase64);
    const methods = Array.from(kds[1].getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'EncryptionMethod')).map((m) =>
      m.getAttribute('Algorithm'),
    );
    expect(methods).toEqual([
      'http://www.w3.org/2009/xmlenc11#aes256-gcm',
      'http://www.w3.org/2009/xmlenc11#aes128-gcm',
      'http://www.w3.org/2009/xmlenc11#aes192-gcm',
      'http://www.w3.org/2009/xmlenc11#rsa-oaep',
      'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    ]);
    // Encryption not offered (publishEncryptionKey false): the signing key only.
    const signingOnly = renderSpMetadata(
      { spSsoUri: 'https://w.example/sso', contacts: [], signing, publishEncryptionKey: false },
      null,
      new Date(0),
    );
    expect(signingOnly).toContain('<md:KeyDescriptor use="signing">');
    expect(signingOnly).not.toContain('use="encryption"');
    expect(signingOnly).not.toContain('EncryptionMethod');
    // Without a key pair: no KeyDescriptor at all, as spar.
    expect(renderSpMetadata({ spSsoUri: 'https://w.example/sso', contacts: [] }, null, new Date(0))).not.toContain('KeyDescriptor');
  });
});
