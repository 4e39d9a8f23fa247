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

  it('reads issuer, the HTTP-POST endpoint and signing certificates as KeyInfo XML', () => {
    expect(parseIdpMetadata(idp.metadata())).toEqual({ issuer: idp.issuer, requestUri: idp.ssoUrl, certs: [keyInfoXml(idp.key.certBase64)] });
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
      .replace('</md:IDPSSODescriptor>', '</md:IDPSSODescriptor><md:SPSSODescriptor protocolSupportEnumeration="x"><md:KeyDescriptor><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>' + idp.key.certBase64 + '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:SPSSODescriptor>');
    expect(invalid(sp)).toBe('invalid-metadata');
  });

  it('refuses DOCTYPE, several entities, missing POST endpoint, bad certificates', () => {
    expect(invalid(`<!DOCTYPE x>${idp.metadata()}`)).toBe('invalid-metadata');
    const md = idp.metadata();
    expect(invalid(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${md}${md}</md:EntitiesDescriptor>`)).toBe('invalid-metadata');
    expect(invalid(md.replace('bindings:HTTP-POST', 'bindings:HTTP-Redirect'))).toBe('invalid-metadata');
    expect(invalid(md.replace(idp.key.certBase64, 'AAAA'))).toBe('invalid-metadata');
    expect(invalid(md.replace(idp.key.certBase64, '!!!'))).toBe('invalid-metadata');
    expect(invalid('<x/>')).toBe('invalid-metadata');
    expect(invalid(`${md.slice(0, 100)}`)).toBe('invalid-metadata');
    expect(invalid(md.replace('</md:EntityDescriptor>', `<x>${'y'.repeat(600 * 1024)}</x></md:EntityDescriptor>`))).toBe('invalid-metadata');
  });

  it('reads the certificate back from spar-style KeyInfo with line breaks', () => {
    expect(certFromKeyInfo('<ds:KeyInfo xmlns:ds="x"><ds:X509Data><ds:X509Certificate>QU\nJD</ds:X509Certificate></ds:X509Data></ds:KeyInfo>')).toBe('QUJD');
  });
});
