import { randomUUID } from 'node:crypto';

declare const brand: unique symbol;
/** A string that the type checker keeps apart from other strings of the same shape. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type TeamId = Brand<string, 'TeamId'>;
export type UserId = Brand<string, 'UserId'>;
export type IdpId = Brand<string, 'IdpId'>;
export type ScimTokenId = Brand<string, 'ScimTokenId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Lowercase canonical form; throws on anything that is not a uuid (ids come from users and URLs). */
function uuidOf(kind: string, s: string): string {
  if (!UUID.test(s)) throw new TypeError(`not a valid ${kind}: ${JSON.stringify(s)}`);
  return s.toLowerCase();
}

export const teamId = (s: string): TeamId => uuidOf('team id', s) as TeamId;
export const userId = (s: string): UserId => uuidOf('user id', s) as UserId;
export const idpId = (s: string): IdpId => uuidOf('IdP id', s) as IdpId;
export const scimTokenId = (s: string): ScimTokenId => uuidOf('SCIM token id', s) as ScimTokenId;

export const newTeamId = (): TeamId => randomUUID() as TeamId;
export const newUserId = (): UserId => randomUUID() as UserId;
export const newIdpId = (): IdpId => randomUUID() as IdpId;
export const newScimTokenId = (): ScimTokenId => randomUUID() as ScimTokenId;
