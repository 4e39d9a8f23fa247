/**
 * Email domains as teams claim them for IdP discovery: ASCII (IDNs in their `xn--` form),
 * lowercase, no trailing dot, at least two labels, each 1-63 letters, digits or inner hyphens,
 * at most 253 characters.
 */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The domain in its one stored form, or null when it is not a domain name. */
export function normalizeDomain(input: string): string | null {
  const d = input.trim().toLowerCase().replace(/\.$/, '');
  return DOMAIN.test(d) && /[a-z]/.test(d.slice(d.lastIndexOf('.') + 1)) ? d : null;
}

/** The domain of an email address (after its last `@`), or null. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  return normalizeDomain(email.slice(at + 1));
}

/** Where a team proves it holds a domain: a TXT record at this name must carry the challenge token. */
export const domainChallengeName = (domain: string): string => `_wire-challenge.${domain}`;
