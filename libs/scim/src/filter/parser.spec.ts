import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors';
import type { Filter } from './ast';
import { parseFilter, parsePatchPath } from './parser';
import { printFilter } from './printer';

const eq = (attr: string, value: string | number | boolean | null): Filter => ({ type: 'compare', op: 'eq', path: { attr }, value });

function invalid(f: () => unknown): ScimError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).scimType).toBe('invalidFilter');
    return e as ScimError;
  }
  throw new Error('expected invalidFilter');
}

describe('parseFilter: operators and literals', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('parses %s, in any case', (op) => {
    expect(parseFilter(`title ${op} "x"`)).toEqual({ type: 'compare', op, path: { attr: 'title' }, value: 'x' });
    expect(parseFilter(`title ${op.toUpperCase()} "x"`)).toEqual({ type: 'compare', op, path: { attr: 'title' }, value: 'x' });
  });

  it('parses pr', () => {
    expect(parseFilter('title PR')).toEqual({ type: 'present', path: { attr: 'title' } });
  });

  it('parses literals: JSON strings with escapes, numbers, booleans, null', () => {
    expect(parseFilter('a eq "q\\"uo\\\\te \\u00e9\\n"')).toEqual(eq('a', 'q"uo\\te é\n'));
    expect(parseFilter('a eq 42')).toEqual(eq('a', 42));
    expect(parseFilter('a eq -1.5e3')).toEqual({ ...eq('a', -1500), text: '-1.5e3' });
    expect(parseFilter('a eq true')).toEqual(eq('a', true));
    expect(parseFilter('a eq False')).toEqual(eq('a', false));
    expect(parseFilter('a eq TRUE')).toEqual(eq('a', true));
    expect(parseFilter('a eq null')).toEqual(eq('a', null));
    expect(parseFilter('a eq "true"')).toEqual(eq('a', 'true'));
  });

  it('keeps the text of a number whose JS form differs', () => {
    expect(parseFilter('externalId eq 1.50')).toEqual({ ...eq('externalId', 1.5), text: '1.50' });
    expect(printFilter(parseFilter('externalId eq 1.50'))).toBe('externalId eq 1.50');
  });

  it('accepts unquoted strings, as clients send them', () => {
    expect(parseFilter('userName eq bjensen')).toEqual(eq('userName', 'bjensen'));
    expect(parseFilter('userName sw O')).toEqual({ type: 'compare', op: 'sw', path: { attr: 'userName' }, value: 'O' });
    expect(parseFilter('externalId eq 00123')).toEqual(eq('externalId', '00123'));
    expect(parseFilter('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toEqual({
      type: 'compare',
      op: 'gt',
      path: { attr: 'meta', sub: 'Created' },
      value: '2015-10-10T14:38:21.8617979-07:00',
    });
  });

  it('tolerates extra whitespace, tabs and newlines', () => {
    expect(parseFilter('  userName \t eq\n"x"  ')).toEqual(eq('userName', 'x'));
    expect(parseFilter('( userName eq "x" )')).toEqual(eq('userName', 'x'));
  });
});

describe('parseFilter: paths', () => {
  it('parses sub-attributes and schema URN prefixes', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toMatchObject({ path: { attr: 'name', sub: 'familyName' } });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toMatchObject({
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'userName' },
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"')).toMatchObject({
      path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'manager', sub: 'value' },
    });
    expect(parseFilter('members.$ref pr')).toEqual({ type: 'present', path: { attr: 'members', sub: '$ref' } });
  });

  it('parses value paths, with and without a sub-attribute after them', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      type: 'valuePath',
      path: { attr: 'emails' },
      filter: {
        type: 'and',
        left: eq('type', 'work'),
        right: { type: 'compare', op: 'co', path: { attr: 'value' }, value: '@example.com' },
      },
    });
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      type: 'compare',
      op: 'eq',
      path: { attr: 'emails', filter: eq('type', 'work'), sub: 'value' },
      value: 'a@b.c',
    });
    expect(parseFilter('members[value eq "2819c223"]')).toEqual({
      type: 'valuePath',
      path: { attr: 'members' },
      filter: eq('value', '2819c223'),
    });
  });

  it('rejects nested value filters and filters on sub-attributes', () => {
    expect(invalid(() => parseFilter('emails[type[x eq 1] eq "a"]')).detail).toMatch(/nested/);
    invalid(() => parseFilter('name.givenName[x eq 1]'));
  });
});

describe('parseFilter: precedence and grouping', () => {
  const a = eq('a', 1);
  const b = eq('b', 2);
  const c = eq('c', 3);

  it('and binds tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({ type: 'or', left: a, right: { type: 'and', left: b, right: c } });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({ type: 'or', left: { type: 'and', left: a, right: b }, right: c });
  });

  it('not binds tighter than and', () => {
    expect(parseFilter('not (a eq 1) and b eq 2')).toEqual({ type: 'and', left: { type: 'not', filter: a }, right: b });
    expect(parseFilter('NOT a eq 1 and b eq 2')).toEqual({ type: 'and', left: { type: 'not', filter: a }, right: b });
  });

  it('parentheses override precedence; and/or are left-associative', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({ type: 'and', left: { type: 'or', left: a, right: b }, right: c });
    expect(parseFilter('a eq 1 and b eq 2 and c eq 3')).toEqual({ type: 'and', left: { type: 'and', left: a, right: b }, right: c });
    expect(parseFilter('a eq 1 AND (b eq 2 Or c eq 3)')).toEqual({ type: 'and', left: a, right: { type: 'or', left: b, right: c } });
  });

  it("parses the Microsoft suite's filters", () => {
    expect(parseFilter('DisplayName eq "BobIsAmazing"')).toEqual(eq('DisplayName', 'BobIsAmazing'));
    expect(parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')).toEqual({
      type: 'and',
      left: { type: 'compare', op: 'eq', path: { attr: 'name', sub: 'FamilyName' }, value: 'Employee' },
      right: {
        type: 'or',
        left: { type: 'compare', op: 'co', path: { attr: 'emails', sub: 'Value' }, value: 'example.com' },
        right: { type: 'compare', op: 'co', path: { attr: 'emails', sub: 'Value' }, value: 'example.org' },
      },
    });
  });

  it('parses the Entra and Okta filters', () => {
    expect(parseFilter('userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"')).toMatchObject({ op: 'eq' });
    expect(parseFilter('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')).toMatchObject({ op: 'eq' });
    expect(parseFilter('displayName eq "Group1DisplayName"')).toMatchObject({ op: 'eq' });
    expect(parseFilter('emails[type eq "work"].value eq "a@contoso.com" and userName eq "x"')).toMatchObject({ type: 'and' });
    expect(parseFilter('userName eq "isabella@example.com"')).toEqual(eq('userName', 'isabella@example.com'));
  });
});

describe('parseFilter: errors are typed, positioned and bounded', () => {
  it.each([
    ['', /empty/],
    ['userName', /operator/],
    ['userName eq', /value after 'eq'/],
    ['userName foo "x"', /position 10.*operator/],
    ['userName eq "x" "y"', /'and', 'or'/],
    ['userName eq "x" and', /attribute name/],
    ['(userName eq "x"', /'\)'/],
    ['userName eq "x")', /'and', 'or'/],
    ['userName eq "unterminated', /unterminated string/],
    ['userName eq "bad \\x escape"', /invalid string/],
    ['emails[type eq "work"', /'\]'/],
    ['1abc eq "x"', /attribute name/],
    ['"x" eq "y"', /attribute name/],
    ['not', /attribute name/],
    ['a eq (b)', /value after 'eq'/],
  ])('%j is invalidFilter (%s)', (input, message) => {
    expect(invalid(() => parseFilter(input)).detail).toMatch(message);
  });

  it('rejects 10 MB in constant time', () => {
    const huge = 'userName eq "' + 'x'.repeat(10 * 1024 * 1024) + '"';
    const t0 = performance.now();
    expect(invalid(() => parseFilter(huge)).detail).toMatch(/longer than 10000/);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('rejects 10,000 nested parentheses without deep recursion', () => {
    const deep = '('.repeat(10_000) + 'a eq 1' + ')'.repeat(10_000);
    expect(invalid(() => parseFilter(deep, { maxLength: 100_000 })).detail).toMatch(/nested deeper than 32/);
    expect(invalid(() => parseFilter('not '.repeat(10_000) + 'a pr', { maxLength: 100_000 })).detail).toMatch(/nested/);
  });

  it('bounds the number of terms', () => {
    const many = Array.from({ length: 201 }, (_, i) => `id eq "${i}"`).join(' or ');
    expect(invalid(() => parseFilter(many)).detail).toMatch(/more than 200/);
    expect(() => parseFilter(Array.from({ length: 200 }, (_, i) => `id eq "${i}"`).join(' or '))).not.toThrow();
  });

  it('accepts a filter just at the limits', () => {
    const nested = '('.repeat(32) + 'a eq 1' + ')'.repeat(32);
    expect(parseFilter(nested)).toEqual(eq('a', 1));
  });
});

describe('parsePatchPath', () => {
  it('parses attribute and value paths', () => {
    expect(parsePatchPath('userName')).toEqual({ attr: 'userName' });
    expect(parsePatchPath('name.givenName')).toEqual({ attr: 'name', sub: 'givenName' });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toEqual({
      uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attr: 'department',
    });
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({ attr: 'emails', filter: eq('type', 'work'), sub: 'value' });
    expect(parsePatchPath('members[value eq "a]b"]')).toEqual({ attr: 'members', filter: eq('value', 'a]b') });
    expect(parsePatchPath('addresses[type eq "work"].streetAddress')).toMatchObject({ attr: 'addresses', sub: 'streetAddress' });
  });

  it('rejects what is not a path', () => {
    invalid(() => parsePatchPath('emails[type eq "work"]value'));
    invalid(() => parsePatchPath('emails[type eq]'));
    invalid(() => parsePatchPath('two words'));
  });
});
