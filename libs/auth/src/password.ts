import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's minimum profile (19 MiB, t=2, p=1): about 20 ms on one core. */
const params = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, params);
}

/** A hash of nothing in particular, verified when a user is unknown so timing does not tell. */
let dummy: Promise<string> | undefined;

/** Verifies `password` against a stored argon2 hash; a missing hash still costs the same time. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await (dummy ??= hash('timing-equaliser', params)), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}
