import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface SigningKey {
  kid: string;
  publicKey: KeyObject;
  /** Present on keys that may sign; keys without one only verify (being rotated out). */
  privateKey?: KeyObject;
}

export interface KeyRing {
  signing: SigningKey;
  byKid: ReadonlyMap<string, SigningKey>;
}

interface KeyEntry {
  kid?: unknown;
  privateKey?: unknown;
  publicKey?: unknown;
}

export class KeyRingError extends Error {}

/** Builds a key ring from `[{kid, privateKey?, publicKey?}]` (PEM, Ed25519). */
export function keyRingFromEntries(entries: unknown, source = 'keys'): KeyRing {
  if (!Array.isArray(entries) || entries.length === 0) throw new KeyRingError(`${source}: expected a non-empty list of keys`);
  const keys: SigningKey[] = entries.map((raw: KeyEntry, i) => {
    const where = `${source}[${i}]`;
    if (typeof raw?.kid !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(raw.kid))
      throw new KeyRingError(`${where}.kid: 1-64 of [A-Za-z0-9._-]`);
    try {
      const privateKey = typeof raw.privateKey === 'string' ? createPrivateKey(raw.privateKey) : undefined;
      const publicKey =
        typeof raw.publicKey === 'string' ? createPublicKey(raw.publicKey) : privateKey ? createPublicKey(privateKey) : undefined;
      if (!publicKey) throw new KeyRingError('needs privateKey or publicKey');
      if (publicKey.asymmetricKeyType !== 'ed25519') throw new KeyRingError('must be an Ed25519 key');
      return { kid: raw.kid, publicKey, privateKey };
    } catch (e) {
      throw new KeyRingError(`${where}: ${(e as Error).message}`);
    }
  });
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  if (byKid.size !== keys.length) throw new KeyRingError(`${source}: duplicate kid`);
  const signing = keys.find((k) => k.privateKey);
  if (!signing) throw new KeyRingError(`${source}: no key with a privateKey to sign with`);
  return { signing, byKid };
}

export function loadKeyRing(file: string): KeyRing {
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, 'utf8')); // YAML is a superset of JSON
  } catch (e) {
    throw new KeyRingError(`${file}: ${(e as Error).message}`);
  }
  return keyRingFromEntries(parsed, file);
}

/** A fresh Ed25519 key pair as a key-file entry (PEM): for development and tests. */
export function generateKeyEntry(kid: string = randomUUID()): { kid: string; privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    kid,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
