import { describe, expect, it } from 'vitest';
import { MAX_CODE_INPUT, parseSsoCode, ssoCode } from './sso-code';

const ID = '3f6c2a51-8e0b-4c1d-9a7e-5b2d1c0f9e88';

describe('parseSsoCode', () => {
  it.each([
    [`wire-${ID}`, ID],
    [ID, ID],
    [`  wire-${ID}\n`, ID],
    [`\t${ID} `, ID],
    [`WIRE-${ID.toUpperCase()}`, ID],
    [ID.toUpperCase(), ID],
  ])('reads %j', (input, id) => {
    expect(parseSsoCode(input)).toBe(id);
  });

  it.each([
    '',
    '   ',
    'wire-',
    'wire',
    `wire-${ID}x`,
    `wire-wire-${ID}`,
    `wire- ${ID}`,
    `x${ID}`,
    ID.slice(0, 35),
    ID.replace(/-/g, ''),
    `wire_${ID}`,
    `wire-${ID}/../../x`,
    `https://evil.example/${ID}`,
    `<script>${ID}`,
    `${ID}\u0000`,
    `wire-${ID.replace('a', 'g')}`,
  ])('refuses %j', (input) => {
    expect(parseSsoCode(input)).toBeNull();
  });

  it('refuses input longer than a pasted code could be, even when it trims to one', () => {
    expect(parseSsoCode(' '.repeat(MAX_CODE_INPUT) + ID)).toBeNull();
    expect(parseSsoCode(' '.repeat(MAX_CODE_INPUT - ID.length) + ID)).toBe(ID);
  });

  it('round-trips the code the team settings show', () => {
    expect(parseSsoCode(ssoCode(ID))).toBe(ID);
    expect(ssoCode(ID)).toBe(`wire-${ID}`);
  });
});
