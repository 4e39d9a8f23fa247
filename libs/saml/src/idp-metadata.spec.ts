import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@sso/domain';
import { TestIdp } from '@sso/testing';
import { certFromKeyInfo, keyInfoXml, parseIdpMetadata } from './idp-metadata';

const invalid = (xml: string) => {
  try {
    parseIdpMetadata(xml);
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
  return 'accepted';
};

describe('parseIdpMetadata', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await TestIdp.create();
  });

  it('accepts a byte order mark, an XML declaration, and comments and whitespace around the root', () => {
    expect(invalid(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->\n${idp.metadata()}\n\n`)).toBe('accepted');
  });

  it('reads issuer, the HTTP-POST endpoint and signing certificates as KeyInfo XML', () => {
    expect(parseIdpMetadata(idp.metadata())).toEqual({
      issuer: idp.issuer,
      requestUri: idp.ssoUrl,
      ssoBinding: 'HTTP-POST',
      certs: [keyInfoXml(idp.key.certBase64)],
      validUntil: null,
      singleLogout: null,
    });
  });

  it('reads the SingleLogoutService, Redirect first, and ignores unusable entries instead of refusing the metadata', () => {
    const slo = (binding: string, location: string, extra = '') =>
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${location}"${extra}/>`;
    const withSlo = (...services: string[]) =>
      idp.metadata().replace('<md:SingleSignOnService', `${services.join('')}<md:SingleSignOnService`);
    expect(
      parseIdpMetadata(
        withSlo(
          slo('HTTP-POST', 'https://idp.example.com/slo-post'),
          slo('HTTP-Redirect', 'https://idp.example.com/slo', ' ResponseLocation="https://idp.example.com/slo-done"'),
        ),
      ).singleLogout,
    ).toEqual({
      binding: 'HTTP-Redirect',
      location: 'https://idp.example.com/slo',
      responseLocation: 'https://idp.example.com/slo-done',
    });
    expect(parseIdpMetadata(withSlo(slo('HTTP-POST', 'https://idp.example.com/slo-post'))).singleLogout).toEqual({
      binding: 'HTTP-POST',
      location: 'https://idp.example.com/slo-post',
      responseLocation: null,
    });
    expect(
      parseIdpMetadata(withSlo(slo('HTTP-Redirect', 'javascript:alert(1)'), slo('SOAP', 'https://idp.example.com/soap'))).singleLogout,
    ).toBeNull();
  });

  it('accepts an EntitiesDescriptor with one child, a case-variant binding, and de-duplicates certificates', () => {
    const md = idp.metadata([idp.key.certBase64, idp.key.certBase64]).replace('bindings:HTTP-POST', 'bindings:HTTP-Post');
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${md}</md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(wrapped).certs).toHaveLength(1);
  });

  it('skips encryption keys and never trusts keys of other descriptors', () => {
    const enc = idp.metadata().replace('use="signing"', 'use="encryption"');
    expect(invalid(enc)).toBe('invalid-metadata');
    const sp = idp
      .metadata()
      .replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, '')
      .replace(
        '</md:IDPSSODescriptor>',
        '</md:IDPSSODescriptor><md:SPSSODescriptor protocolSupportEnumeration="x"><md:KeyDescriptor><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>' +
          idp.key.certBase64 +
          '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:SPSSODescriptor>',
      );
    expect(invalid(sp)).toBe('invalid-metadata');
  });

  const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
  const withSso = (binding: string, location: string) =>
    idp
      .metadata()
      .replace('</md:IDPSSODescriptor>', `<md:SingleSignOnService Binding="${binding}" Location="${location}"/></md:IDPSSODescriptor>`);

  it('prefers HTTP-POST when the IdP also offers HTTP-Redirect, in either order', () => {
    const md = withSso(REDIRECT, 'https://idp.example.com/redirect');
    expect(parseIdpMetadata(md)).toMatchObject({ requestUri: idp.ssoUrl, ssoBinding: 'HTTP-POST' });
    const redirectFirst = md.replace(/(<md:SingleSignOnService[^>]*HTTP-POST[^>]*\/>)(<md:SingleSignOnService[^>]*\/>)/, '$2$1');
    expect(redirectFirst.indexOf('HTTP-Redirect')).toBeLessThan(redirectFirst.indexOf('HTTP-POST'));
    expect(parseIdpMetadata(redirectFirst)).toMatchObject({ requestUri: idp.ssoUrl, ssoBinding: 'HTTP-POST' });
  });

  it('accepts an IdP that offers only HTTP-Redirect (binding compared case-insensitively), and records it', () => {
    const only = idp.metadata().replace('bindings:HTTP-POST', 'bindings:HTTP-Redirect');
    expect(parseIdpMetadata(only)).toMatchObject({ issuer: idp.issuer, requestUri: idp.ssoUrl, ssoBinding: 'HTTP-Redirect' });
    expect(parseIdpMetadata(only.replace('bindings:HTTP-Redirect', 'BINDINGS:http-redirect')).ssoBinding).toBe('HTTP-Redirect');
    // Two Redirect endpoints and no POST: as ambiguous as two POST endpoints.
    const two = withSso(REDIRECT, 'https://idp.example.com/other').replace('bindings:HTTP-POST', 'bindings:HTTP-Redirect');
    expect(invalid(two)).toBe('invalid-metadata');
    expect(invalid(withSso('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'https://idp.example.com/other'))).toBe('invalid-metadata');
  });

  it('refuses DOCTYPE, several entities, no POST or Redirect endpoint, bad certificates', () => {
    expect(invalid(`<!DOCTYPE x>${idp.metadata()}`)).toBe('invalid-metadata');
    const md = idp.metadata();
    expect(invalid(md.replace('bindings:HTTP-POST', 'bindings:HTTP-Artifact'))).toBe('invalid-metadata');
    expect(invalid(md.replace(/<md:SingleSignOnService[^>]*\/>/, ''))).toBe('invalid-metadata');
    expect(invalid(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${md}${md}</md:EntitiesDescriptor>`)).toBe(
      'invalid-metadata',
    );
    expect(invalid(md.replace(idp.key.certBase64, 'AAAA'))).toBe('invalid-metadata');
    expect(invalid(md.replace(idp.key.certBase64, '!!!'))).toBe('invalid-metadata');
    expect(invalid('<x/>')).toBe('invalid-metadata');
    // Content after the root (an XML signature wrapping trick as much as a careless upload).
    expect(invalid(`${md}<md:EntityDescriptor entityID="https://evil.example"/>`)).toBe('invalid-metadata');
    expect(invalid(`${md}trailing`)).toBe('invalid-metadata');
    expect(invalid(`${md.slice(0, 100)}`)).toBe('invalid-metadata');
    expect(invalid(md.replace('</md:EntityDescriptor>', `<x>${'y'.repeat(600 * 1024)}</x></md:EntityDescriptor>`))).toBe(
      'invalid-metadata',
    );
  });

  it('reads the earliest validUntil of the entity, its wrapper and the IDPSSODescriptor; refuses a malformed one', () => {
    const md = idp
      .metadata()
      .replace(`entityID="${idp.issuer}"`, `entityID="${idp.issuer}" validUntil="2030-01-02T03:04:05Z"`)
      .replace('<md:IDPSSODescriptor ', '<md:IDPSSODescriptor validUntil="2029-12-31T00:00:00.5Z" ');
    expect(parseIdpMetadata(md).validUntil).toEqual(new Date('2029-12-31T00:00:00.500Z'));
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2028-06-01T00:00:00+02:00">${md}</md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(wrapped).validUntil).toEqual(new Date('2028-05-31T22:00:00Z'));
    expect(invalid(md.replace('2030-01-02T03:04:05Z', 'next year'))).toBe('invalid-metadata');
  });

  it('reads the certificate back from spar-style KeyInfo with line breaks', () => {
    expect(
      certFromKeyInfo('<ds:KeyInfo xmlns:ds="x"><ds:X509Data><ds:X509Certificate>QU\nJD</ds:X509Certificate></ds:X509Data></ds:KeyInfo>'),
    ).toBe('QUJD');
  });
});
