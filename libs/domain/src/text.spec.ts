import { describe, expect, it } from 'vitest';
import { isEmail } from './identity';
import { describeUnsafeCharacter, findUnsafeCharacter, isSafeText } from './text';

describe('findUnsafeCharacter', () => {
  it.each([
    ['NUL', 'Ann\u0000Lee', 3, 0x0, 'a control character'],
    ['BEL', '\u0007bell', 0, 0x7, 'a control character'],
    ['a newline', 'two\nlines', 3, 0xa, 'a control character'],
    ['a carriage return', 'cr\r', 2, 0xd, 'a control character'],
    ['a tab', 'a\tb', 1, 0x9, 'a control character'],
    ['DEL', 'x\u007f', 1, 0x7f, 'a control character'],
    ['a C1 control', 'x\u0085y', 1, 0x85, 'a control character'],
    ['U+2028', 'a\u2028b', 1, 0x2028, 'a line separator'],
    ['a right-to-left override', 'evil\u202Etxt.exe', 4, 0x202e, 'a bidirectional control'],
    ['a left-to-right embedding', '\u202Ax', 0, 0x202a, 'a bidirectional control'],
    ['a first-strong isolate', 'a\u2068b', 1, 0x2068, 'a bidirectional control'],
    ['a lone high surrogate', 'ab\uD83D', 2, 0xd83d, 'a lone surrogate'],
    ['a lone low surrogate', '\uDE00ab', 0, 0xde00, 'a lone surrogate'],
    ['swapped surrogates', 'x\uDE00\uD83D', 1, 0xde00, 'a lone surrogate'],
  ])('refuses %s in a line', (_, s, index, codePoint, reason) => {
    expect(findUnsafeCharacter(s)).toEqual({ index, codePoint, reason });
  });

  it.each([
    ['accents', 'Zoë Müller-Lüdenscheidt'],
    ['CJK', '山田 太郎'],
    ['Hangul', '김민준'],
    ['Arabic (right to left, no overrides)', 'محمد عبد الله'],
    ['Hebrew with an RLM mark', 'דוד\u200F לוי'],
    ['emoji with a zero-width joiner and a skin tone', 'Ann 👩🏽‍💻'],
    ['a flag (two regional indicators)', 'Team 🇩🇪'],
    ['Devanagari with ZWNJ', 'क्\u200Cष'],
    ['an apostrophe and quotes', 'O\u2019Brien "Bob"'],
    ['the empty string', ''],
  ])('passes %s', (_, s) => {
    expect(findUnsafeCharacter(s)).toBeUndefined();
  });

  it('lets TAB, LF and CR through in multi-line text, and nothing else', () => {
    expect(findUnsafeCharacter('100 Main St\r\nSuite\t5', 'multiline')).toBeUndefined();
    expect(findUnsafeCharacter('100 Main St\n\u0000', 'multiline')).toEqual({ index: 12, codePoint: 0, reason: 'a control character' });
    expect(findUnsafeCharacter('a\n\u202Eb', 'multiline')?.reason).toBe('a bidirectional control');
    expect(findUnsafeCharacter('a\u2029b', 'multiline')?.reason).toBe('a line separator');
  });

  it('is not fooled by state left from an earlier call (the regex is global)', () => {
    expect(findUnsafeCharacter('aaaaaaaa\u0000')?.index).toBe(8);
    expect(findUnsafeCharacter('\u0000')?.index).toBe(0);
    expect(isSafeText('fine')).toBe(true);
  });

  it('describes the character for error details', () => {
    expect(describeUnsafeCharacter(findUnsafeCharacter('ab\u202E')!)).toBe('a bidirectional control (U+202E) at position 2');
    expect(describeUnsafeCharacter(findUnsafeCharacter('\u0000')!)).toBe('a control character (U+0000) at position 0');
  });
});

describe('isEmail', () => {
  it('refuses addresses with unsafe characters', () => {
    expect(isEmail('ann@example.com')).toBe(true);
    expect(isEmail('ann\u0000@example.com')).toBe(false);
    expect(isEmail('ann@example.com\u0000')).toBe(false);
    expect(isEmail('ann@exa\u202Emple.com')).toBe(false);
    expect(isEmail('ann\u0007@example.com')).toBe(false);
    expect(isEmail('ann@example.com\uD800')).toBe(false);
  });

  it('keeps internationalised addresses', () => {
    expect(isEmail('zoë@exämple.de')).toBe(true);
    expect(isEmail('用户@例子.广告')).toBe(true);
  });
});
