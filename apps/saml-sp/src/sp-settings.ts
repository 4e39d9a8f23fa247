import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '@sso/config';
import type { SpSettings, SpSigningKey } from '@sso/saml';

/** The SP's identity from config (single-ingress mode; multi-ingress is not implemented). */
export function spSettings(config: Config): SpSettings {
  return { spSsoUri: config.saml.spSsoUri, contacts: config.saml.contacts, signing: signingKey(config), publishEncryptionKey: config.saml.publishEncryptionKey };
}

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

