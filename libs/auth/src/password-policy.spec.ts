import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, brokenPasswordRules, passwordRuleIds, passwordRuleText } from './password-policy';

describe('password policy', () => {
  it('accepts a password that keeps every rule', () => {
    expect(brokenPasswordRules('Tr0ub4dor&3')).toEqual([]);
    expect(brokenPasswordRules('Äpfel-Birnen 9')).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(brokenPasswordRules('')).toEqual(['length', 'lowercase', 'uppercase', 'digit', 'symbol']);
    expect(brokenPasswordRules('Ab1!')).toEqual(['length']);
    expect(brokenPasswordRules('ABCDEF1!')).toEqual(['lowercase']);
    expect(brokenPasswordRules('abcdef1!')).toEqual(['uppercase']);
    expect(brokenPasswordRules('abcdefG!')).toEqual(['digit']);
    expect(brokenPasswordRules('abcdefG1')).toEqual(['symbol']);
    // Whitespace is not a symbol.
    expect(brokenPasswordRules('abcd efG1')).toEqual(['symbol']);
  });

  it('counts characters, not UTF-16 units, and bounds the length', () => {
    // Seven characters, fourteen UTF-16 units: too short.
    expect(brokenPasswordRules('😀😀😀aB1!')).toEqual(['length']);
    const long = 'aB1!' + 'x'.repeat(PASSWORD_MAX_LENGTH - 4);
    expect(brokenPasswordRules(long)).toEqual([]);
    expect(brokenPasswordRules(long + 'y')).toEqual(['length']);
  });

  it('states every rule in English and German', () => {
    for (const lang of ['en', 'de'] as const) for (const r of passwordRuleIds) expect(passwordRuleText[lang][r]).toMatch(/\S/);
  });
});
