/**
 * The one password policy of the service set: what the set-password pages state and what every
 * handler that stores a password enforces (invitation acceptance, password reset). It follows the
 * rules Wire's own clients state for new passwords: 8 to 1024 characters with a lowercase letter,
 * an uppercase letter, a digit and a symbol.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

export const passwordRuleIds = ['length', 'lowercase', 'uppercase', 'digit', 'symbol'] as const;
export type PasswordRule = (typeof passwordRuleIds)[number];

/** The rules as the pages state them, per language (English is the fallback). */
export const passwordRuleText: Readonly<Record<'en' | 'de', Readonly<Record<PasswordRule, string>>>> = {
  en: {
    length: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    lowercase: 'a lowercase letter',
    uppercase: 'an uppercase letter',
    digit: 'a digit',
    symbol: 'a symbol (anything that is not a letter or a digit, such as ! or #)',
  },
  de: {
    length: `${PASSWORD_MIN_LENGTH} bis ${PASSWORD_MAX_LENGTH} Zeichen`,
    lowercase: 'einen Kleinbuchstaben',
    uppercase: 'einen Großbuchstaben',
    digit: 'eine Ziffer',
    symbol: 'ein Sonderzeichen (alles außer Buchstaben und Ziffern, etwa ! oder #)',
  },
};

/** The rules a password breaks; empty when it is acceptable. Length counts characters, not UTF-16 units. */
export function brokenPasswordRules(password: string): PasswordRule[] {
  const broken: PasswordRule[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH || password.trim() === '') broken.push('length');
  if (!/\p{Ll}/u.test(password)) broken.push('lowercase');
  if (!/\p{Lu}/u.test(password)) broken.push('uppercase');
  if (!/\p{Nd}/u.test(password)) broken.push('digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) broken.push('symbol');
  return broken;
}
