import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { writeSelfSignedCert } from './self-signed';

const SAML_ALGS = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

/** A key pair and self-signed certificate made at test time with openssl (no committed keys). */
export interface TestKey {
  keyPem: string;
  certPem: string;
  /** The certificate's base64 DER, as metadata carries it. */
  certBase64: string;
}

export async function makeTestKey(cn = 'test-idp'): Promise<TestKey> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'idp-'));
  const key = path.join(dir, 'idp.key');
  const crt = path.join(dir, 'idp.crt');
  await writeSelfSignedCert(key, crt, cn);
  const keyPem = await fs.readFile(key, 'utf8');
  const certPem = await fs.readFile(crt, 'utf8');
  await fs.rm(dir, { recursive: true, force: true });
  return { keyPem, certPem, certBase64: certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '') };
}

export interface ResponseParts {
  /** The SP entity id: Audience, Recipient and Destination unless overridden. */
  sp: string;
  requestId: string | null;
  nameId?: string;
  nameIdFormat?: string;
  now?: Date;
  /** Offsets in seconds from now. */
  notBefore?: number;
  notOnOrAfter?: number;
  issueInstantOffset?: number;
  audience?: string | null;
  recipient?: string;
  destination?: string | null;
  responseIssuer?: string;
  assertionIssuer?: string;
  method?: string;
  status?: string;
  authnStatement?: boolean;
  assertionId?: string;
  responseInResponseTo?: string | null;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A tiny SAML IdP for tests: metadata, and Responses whose Assertion it signs with xml-crypto. */
export class TestIdp {
  readonly issuer: string;
  readonly ssoUrl: string;

  constructor(
    readonly key: TestKey,
    issuer = `https://idp.example.com/${randomUUID()}`,
  ) {
    this.issuer = issuer;
    this.ssoUrl = `${issuer}/sso`;
  }

  static async create(issuer?: string): Promise<TestIdp> {
    return new TestIdp(await makeTestKey(), issuer);
  }

  metadata(certs: string[] = [this.key.certBase64]): string {
    const kds = certs
      .map(
        (c) =>
          `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
      )
      .join('');
    return (
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${this.issuer}">` +
      `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${kds}` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${this.ssoUrl}"/>` +
      '</md:IDPSSODescriptor></md:EntityDescriptor>'
    );
  }

  /** An unsigned Response around an unsigned Assertion. */
  unsignedResponse(p: ResponseParts): { xml: string; assertionId: string } {
    const now = p.now ?? new Date();
    const at = (s: number) => iso(new Date(now.getTime() + s * 1000));
    const assertionId = p.assertionId ?? `_${randomUUID()}`;
    const irt = p.requestId ? ` InResponseTo="${p.requestId}"` : '';
    const rirt = p.responseInResponseTo === undefined ? irt : p.responseInResponseTo ? ` InResponseTo="${p.responseInResponseTo}"` : '';
    const dest = p.destination === undefined ? ` Destination="${p.sp}"` : p.destination === null ? '' : ` Destination="${p.destination}"`;
    const audience = p.audience === undefined ? p.sp : p.audience;
    const instant = at(p.issueInstantOffset ?? 0);
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
      `<saml:Issuer>${p.assertionIssuer ?? this.issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${p.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'}">${p.nameId ?? 'alice@example.com'}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="${p.method ?? 'urn:oasis:names:tc:SAML:2.0:cm:bearer'}"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${at(p.notOnOrAfter ?? 300)}" Recipient="${p.recipient ?? p.sp}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${at(p.notBefore ?? -60)}" NotOnOrAfter="${at(p.notOnOrAfter ?? 300)}">` +
      (audience === null ? '' : `<saml:AudienceRestriction><saml:Audience>${audience}</saml:Audience></saml:AudienceRestriction>`) +
      '</saml:Conditions>' +
      (p.authnStatement === false
        ? ''
        : `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`) +
      '</saml:Assertion>';
    const xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" IssueInstant="${instant}"${dest}${rirt}>` +
      `<saml:Issuer>${p.responseIssuer ?? this.issuer}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="${p.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
      assertion +
      '</samlp:Response>';
    return { xml, assertionId };
  }

  /** Signs the element with that ID (enveloped, exc-c14n), the Signature right after its Issuer. */
  sign(xml: string, id: string, opts: { sha1?: boolean; keyPem?: string; localName?: string } = {}): string {
    const sig = new SignedXml({
      privateKey: opts.keyPem ?? this.key.keyPem,
      publicCert: this.key.certPem,
      canonicalizationAlgorithm: SAML_ALGS.excC14n,
      signatureAlgorithm: opts.sha1 ? SAML_ALGS.rsaSha1 : SAML_ALGS.rsaSha256,
    });
    const ln = opts.localName ?? 'Assertion';
    sig.addReference({
      xpath: `//*[local-name(.)='${ln}' and @ID='${id}']`,
      transforms: [SAML_ALGS.enveloped, SAML_ALGS.excC14n],
      digestAlgorithm: opts.sha1 ? SAML_ALGS.sha1 : SAML_ALGS.sha256,
    });
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: `//*[local-name(.)='${ln}' and @ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' },
    });
    return sig.getSignedXml();
  }

  /** A Response whose Assertion is signed. */
  response(p: ResponseParts, opts: { sha1?: boolean; keyPem?: string } = {}): { xml: string; assertionId: string } {
    const r = this.unsignedResponse(p);
    return { xml: this.sign(r.xml, r.assertionId, opts), assertionId: r.assertionId };
  }
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
