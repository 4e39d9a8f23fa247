import { type IdpId, idpId, isUuid } from '@sso/domain';

/** Longest input the page takes as a code (a code is 41 characters; pasted text may carry spaces). */
export const MAX_CODE_INPUT = 200;

/**
 * The IdP id in what an employee typed or pasted: `wire-<uuid>` as the team settings show it, or
 * the bare uuid; surrounding whitespace and letter case do not matter. Anything else is null.
 */
export function parseSsoCode(raw: string): IdpId | null {
  if (raw.length > MAX_CODE_INPUT) return null;
  const code = raw.trim().toLowerCase();
  const id = code.startsWith('wire-') ? code.slice('wire-'.length) : code;
  return isUuid(id) ? idpId(id) : null;
}

/** The code as the team settings show it and the deep link carries it. */
export const ssoCode = (id: string): string => `wire-${id}`;
