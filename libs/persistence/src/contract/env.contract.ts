import { randomUUID } from 'node:crypto';
import { type IdpId, type ScimTokenId, type TeamId, type UserId, newIdpId, newTeamId } from '@sso/domain';
import type { IdpRecord } from '../ports/idp-store';
import type { ScimTokenRecord } from '../ports/scim-token-store';
import type { SparStores } from '../ports/stores';

/**
 * What a contract suite runs against: the stores, a way to let time pass (the twin's fake clock
 * jumps; against Cassandra the test really waits, so TTLs stay at 1-2 s), and writers for the
 * legacy rows that no store writes (raw CQL in the Cassandra run).
 */
export interface ContractEnv {
  stores: SparStores;
  now(): Date;
  elapse(seconds: number): Promise<void>;
  legacy: {
    user(issuer: string, ssoId: string, uid: UserId): Promise<void>;
    issuer(issuer: string, idp: IdpId): Promise<void>;
    plaintextToken(rec: ScimTokenRecord): Promise<void>;
  };
}

export type GetEnv = () => ContractEnv;

export const issuerUrl = () => `https://idp.example.com/${randomUUID()}`;

export const keyInfo = (n: number | string) =>
  `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIC${n}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;

export function idpFixture(over: Partial<IdpRecord> = {}): IdpRecord {
  return {
    id: newIdpId(),
    team: newTeamId(),
    issuer: issuerUrl(),
    requestUri: 'https://idp.example.com/sso/post',
    certs: [keyInfo(1)],
    apiVersion: 2,
    oldIssuers: [],
    replacedBy: null,
    handle: 'IdP 1',
    domain: null,
    ...over,
  };
}

export function tokenFixture(team: TeamId, over: Partial<ScimTokenRecord> = {}): ScimTokenRecord {
  return {
    team,
    id: randomUUID() as ScimTokenId,
    tokenKey: `sha512:${Buffer.from(randomUUID()).toString('base64')}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 123)),
    idp: null,
    description: 'provisioning',
    name: 'token',
    ...over,
  };
}

/** Runs `n` calls at once (not one after another), as n app instances would. */
export function concurrently<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => f(i)));
}

/** Inserts in bounded parallel chunks: fast against Cassandra without flooding one node. */
export async function inChunks<T>(items: T[], f: (x: T) => Promise<unknown>, size = 50): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

/**
 * Names whose UTF-8 byte order differs from JavaScript's UTF-16 order (astral characters against
 * U+E000-U+FFFF), so a twin sorting with `<` would disagree with Cassandra.
 */
export function awkwardNames(n: number, prefix: string): string[] {
  const tails = ['\u{1F600}', '\uFFFD', '\uE000', 'Z', 'a', 'é', '\u{10400}', ''];
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i % 37).padStart(2, '0')}${tails[i % tails.length]}${i}`);
}
