import { ScimError } from '../errors';

export type Token =
  | { kind: '(' | ')' | '[' | ']'; pos: number; spaceBefore: boolean }
  | { kind: 'string'; value: string; pos: number; spaceBefore: boolean; raw: string }
  | { kind: 'word'; value: string; pos: number; spaceBefore: boolean };

export function filterError(pos: number, why: string): ScimError {
  return new ScimError('invalidFilter', `Invalid filter at position ${pos + 1}: ${why}`);
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDelimiter = (c: string) => c === '(' || c === ')' || c === '[' || c === ']' || c === '"' || isSpace(c);

/**
 * Splits a filter into brackets, JSON strings and words. Words are anything else between
 * delimiters; the parser decides whether one is a path, an operator or an unquoted value, since
 * clients send `userName eq bjensen` and `meta.created gt 2015-10-10T14:38:21.86-07:00`.
 * Linear in the input: each character is looked at a bounded number of times.
 */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = false;
  while (i < input.length) {
    const c = input[i] as string;
    if (isSpace(c)) {
      spaceBefore = true;
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, pos: i, spaceBefore });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < input.length && input[i] !== '"') i += input[i] === '\\' ? 2 : 1;
      if (i >= input.length) throw filterError(start, 'unterminated string');
      i++;
      const raw = input.slice(start, i);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw filterError(
          start,
          `invalid string ${raw.length > 40 ? raw.slice(0, 40) + '…' : raw} (JSON escapes only, no raw control characters)`,
        );
      }
      tokens.push({ kind: 'string', value: value as string, raw, pos: start, spaceBefore });
    } else {
      const start = i;
      while (i < input.length && !isDelimiter(input[i] as string)) i++;
      tokens.push({ kind: 'word', value: input.slice(start, i), pos: start, spaceBefore });
    }
    spaceBefore = false;
  }
  return tokens;
}
