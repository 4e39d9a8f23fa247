import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { oaepDecode } from './oaep';

describe('oaepDecode', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const raw = (c: Buffer) => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c);

  it.each(['sha1', 'sha256'] as const)("decodes Node's (OpenSSL's) OAEP with %s", (hash) => {
    for (const m of [randomBytes(32), randomBytes(16), Buffer.alloc(0)]) {
      const c = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, m);
      expect(oaepDecode(raw(c), Buffer.alloc(0), hash, hash)).toEqual(m);
    }
    const label = Buffer.from('label');
    const labelled = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label },
      randomBytes(32),
    );
    expect(oaepDecode(raw(labelled), label, hash, hash)).toHaveLength(32);
    expect(oaepDecode(raw(labelled), Buffer.alloc(0), hash, hash)).toBeNull();
  });

  it('refuses a wrong hash, a changed block, PKCS#1 v1.5 padding and a non-zero first byte', () => {
    const c = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32));
    const em = raw(c);
    expect(oaepDecode(em, Buffer.alloc(0), 'sha256', 'sha256')).toBeNull();
    expect(oaepDecode(em, Buffer.alloc(0), 'sha1', 'sha256')).toBeNull();
    for (const i of [1, 30, 100, em.length - 1]) {
      const changed = Buffer.from(em);
      changed[i] ^= 0x40;
      expect(oaepDecode(changed, Buffer.alloc(0), 'sha1', 'sha1')).toBeNull();
    }
    const first = Buffer.from(em);
    first[0] = 1;
    expect(oaepDecode(first, Buffer.alloc(0), 'sha1', 'sha1')).toBeNull();
    const v15 = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32));
    expect(oaepDecode(raw(v15), Buffer.alloc(0), 'sha1', 'sha1')).toBeNull();
  });
});
