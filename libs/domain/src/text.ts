/**
 * Text rules for names and identifiers that people and other systems display, log and compare.
 * Refused, never rewritten: a client that reads back what it wrote must get the same string, or
 * Entra and Okta see drift and write it again on every cycle.
 */

/** `line` for names and identifiers; `multiline` also lets TAB, LF and CR through (postal addresses). */
export type TextKind = 'line' | 'multiline';

export interface UnsafeCharacter {
  /** UTF-16 offset in the string. */
  readonly index: number;
  readonly codePoint: number;
  readonly reason: 'a control character' | 'a line separator' | 'a bidirectional control' | 'a lone surrogate';
}

// Without the `u` flag the classes match UTF-16 code units, which is what finds lone surrogates.
// C0 and C1 controls and DEL; U+2028/2029; the bidi embeddings, overrides and isolates (the
// "Trojan Source" characters: they reorder what a reader sees, and no real name needs them, the
// bidi algorithm places right-to-left text by itself); a surrogate without its other half.
// Joiners (U+200C/U+200D, used in emoji and Indic scripts) and the LRM/RLM marks stay allowed.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MULTILINE_OK = new Set([0x09, 0x0a, 0x0d]);

/** The first character that `kind` text may not carry, or undefined when the text is safe. */
export function findUnsafeCharacter(s: string, kind: TextKind = 'line'): UnsafeCharacter | undefined {
  UNSAFE.lastIndex = 0;
  for (let m = UNSAFE.exec(s); m !== null; m = UNSAFE.exec(s)) {
    const c = m[0].charCodeAt(0);
    if (kind === 'multiline' && MULTILINE_OK.has(c)) continue;
    const reason =
      c >= 0xd800 && c <= 0xdfff
        ? 'a lone surrogate'
        : c === 0x2028 || c === 0x2029
          ? 'a line separator'
          : c >= 0x202a
            ? 'a bidirectional control'
            : 'a control character';
    return { index: m.index, codePoint: c, reason };
  }
  return undefined;
}

/** "a control character (U+0000) at position 3", for error details. */
export function describeUnsafeCharacter(u: UnsafeCharacter): string {
  return `${u.reason} (U+${u.codePoint.toString(16).toUpperCase().padStart(4, '0')}) at position ${u.index}`;
}

export function isSafeText(s: string, kind: TextKind = 'line'): boolean {
  return findUnsafeCharacter(s, kind) === undefined;
}
