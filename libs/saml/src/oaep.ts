import { createHash } from 'node:crypto';

export type OaepHash = 'sha1' | 'sha256';

function mgf1(seed: Buffer, length: number, hash: OaepHash): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  for (let c = 0, off = 0; off < length; c++) {
    counter.writeUInt32BE(c);
    off += createHash(hash).update(seed).update(counter).digest().copy(out, off);
  }
  return out;
}

/**
 * EME-OAEP decoding (RFC 8017 §7.1.2) of the raw RSA output `em`, or null when it is not valid.
 * Written here because Node's OAEP uses the label hash for MGF1 too, while XML Encryption allows
 * them to differ (rsa-oaep-mgf1p always uses MGF1-SHA1, whatever its DigestMethod). Manger's
 * attack needs to tell "first byte not zero" from other failures, so every check is folded into
 * one flag with bit operations, without branching on secret bytes, and the caller treats null
 * exactly like a wrong GCM tag.
 */
export function oaepDecode(em: Buffer, label: Buffer, hash: OaepHash, mgfHash: OaepHash): Buffer | null {
  const lHash = createHash(hash).update(label).digest();
  const hLen = lHash.length;
  if (em.length < 2 * hLen + 2) return null; // depends on the key size only
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = mgf1(maskedDb, hLen, mgfHash);
  const seed = Buffer.alloc(hLen);
  for (let i = 0; i < hLen; i++) seed[i] = maskedSeed[i] ^ seedMask[i];
  const db = mgf1(seed, maskedDb.length, mgfHash);
  for (let i = 0; i < db.length; i++) db[i] ^= maskedDb[i];

  let bad = em[0];
  for (let i = 0; i < hLen; i++) bad |= db[i] ^ lHash[i];
  // PS (zeros) then 0x01 then the message: find the first 0x01, any other byte before it is bad.
  let notFound = 1;
  let index = 0;
  for (let i = hLen; i < db.length; i++) {
    const isOne = ((db[i] ^ 1) - 1) >>> 31;
    const isZero = (db[i] - 1) >>> 31;
    index |= i & -(notFound & isOne);
    bad |= notFound & (isOne ^ 1) & (isZero ^ 1);
    notFound &= isOne ^ 1;
  }
  bad |= notFound;
  return bad === 0 ? db.subarray(index + 1) : null;
}
