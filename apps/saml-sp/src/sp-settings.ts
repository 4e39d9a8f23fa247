import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Config } from '@sso/config';
import { DomainError } from '@sso/domain';
import type { SpSettings, SpSigningKey } from '@sso/saml';

/** The single-ingress SP's identity from config (`saml.spSsoUri`, `saml.contacts`). */
export function spSettings(config: Config): SpSettings {
  return {
    spSsoUri: config.saml.spSsoUri,
    contacts: config.saml.contacts,
    signing: signingKey(config),
    publishEncryptionKey: config.saml.publishEncryptionKey,
  };
}

/**
 * Which SP a request speaks to. Single-ingress (no `saml.spDomainConfigs`): always the one, and
 * `Z-Host` is ignored. Multi-ingress: the SP of the host the ingress put in `Z-Host`; no header or
 * a host that is not configured is spar's 404 "Could not find SP.". The key pair is shared.
 */
export class SpSelector {
  private readonly single: SpSettings | null;
  private readonly byDomain = new Map<string, SpSettings>();

  constructor(config: Config) {
    const domains = config.saml.spDomainConfigs;
    const signing = signingKey(config);
    const publishEncryptionKey = config.saml.publishEncryptionKey;
    this.single = domains ? null : spSettings(config);
    for (const [domain, c] of Object.entries(domains ?? {})) {
      this.byDomain.set(domain, { spSsoUri: c.spSsoUri, contacts: c.contacts, signing, publishEncryptionKey });
    }
  }

  /** The SP for a request's `Z-Host` header (undefined when absent). */
  forHost(zHost: string | undefined): SpSettings {
    if (this.single) return this.single;
    const sp = zHost === undefined ? undefined : this.byDomain.get(zHost.toLowerCase());
    if (!sp) throw new DomainError('not-found', 'Could not find SP.');
    return sp;
  }

  /**
   * The domain an IdP is created or updated under: the `Z-Host` when multi-ingress is on and it
   * names a configured host, else null (spar's filterMultiIngressZHost: an unknown host is no error
   * here, the IdP just gets no domain).
   */
  domainOf(zHost: string | undefined): string | null {
    if (this.single || zHost === undefined) return null;
    const d = zHost.toLowerCase();
    return this.byDomain.has(d) ? d : null;
  }
}

/** The `Z-Host` header (nginz: the request's host), or undefined when absent. */
export const ZHost = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const v = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['z-host'];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
});

const cache = new Map<string, SpSigningKey>();

/** The optional SP key pair (saml.spKeyFile + saml.spCertFile), to sign and to decrypt; a bad pair stops the app. */
function signingKey(config: Config): SpSigningKey | undefined {
  const { spKeyFile, spCertFile } = config.saml;
  if (!spKeyFile && !spCertFile) return undefined;
  if (!spKeyFile || !spCertFile) throw new Error('saml.spKeyFile and saml.spCertFile go together (SAML_SP_KEY_FILE, SAML_SP_CERT_FILE)');
  const id = `${spKeyFile}\n${spCertFile}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const keyPem = fs.readFileSync(spKeyFile, 'utf8');
  const cert = new X509Certificate(fs.readFileSync(spCertFile));
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('saml.spCertFile: the SP key must be RSA');
  const privateKey = createPrivateKey(keyPem);
  if (!cert.checkPrivateKey(privateKey)) throw new Error('saml.spKeyFile does not match saml.spCertFile');
  const key = { keyPem, privateKey, certBase64: cert.raw.toString('base64') };
  cache.set(id, key);
  return key;
}

/** OpenAPI: the header on every route that reads it. */
export const Z_HOST_DOC = {
  name: 'Z-Host',
  required: false,
  example: 'wire.example.com',
  description:
    "Set by the ingress (Wire's nginz) to the request's host. With multi-ingress (`saml.spDomainConfigs`) it picks the SP; otherwise it is ignored.",
};
