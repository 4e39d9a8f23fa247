import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes a fresh RSA key and a self-signed certificate for `cn` (valid two days) with openssl, so
 * no test key is ever committed. `localhost` also names DNS:localhost and IP:127.0.0.1, for TLS.
 */
export async function writeSelfSignedCert(keyFile: string, certFile: string, cn: string, localhost = false): Promise<void> {
  const san = localhost ? ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'] : [];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    ...san,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}
