import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors';
import type { JsonObject } from '../json';
import { groupResourceSchema, userResourceSchema } from '../schema/resource-schemas';
import { parseDateTime } from './datetime';
import { evaluateFilter } from './evaluate';
import { indexableEquality } from './indexable';
import { parseFilter } from './parser';
import { compileFilter, validateFilter } from './validate';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const bjensen: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Bjensen-EXT',
  userName: 'BJensen@example.com',
  name: { familyName: "O'Malley", givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [],
  title: '',
  meta: { created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34.123456Z', resourceType: 'User' },
  [ENT]: { department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

const matches = (f: string, r: JsonObject = bjensen) => compileFilter(f, userResourceSchema).matches(r);

describe('evaluateFilter with the User schema', () => {
  it.each([
    ['userName eq "bjensen@EXAMPLE.com"', true], // caseExact false
    ['USERNAME Eq "bjensen@example.com"', true], // attribute and operator names ignore case
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen@example.com"', true],
    ['externalId eq "bjensen-ext"', false], // caseExact true (RFC 7643 §3.1)
    ['externalId eq "Bjensen-EXT"', true],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false], // id is caseExact
    ['displayName co "jens"', true],
    ['displayName sw "BABS"', true],
    ['displayName ew "jensen"', true],
    ['displayName ne "Babs Jensen"', false],
    ['nickName ne "x"', true], // absent: ne matches
    ['name.familyName eq "o\'malley"', true],
    ['userName gt "a"', true],
    ['userName lt "a"', false],
    ['userName ge "bjensen@example.com"', true],
    ['userName le "BJENSEN@example.com"', true],
    ['emails.value eq "babs@jensen.org"', true], // any value of a multi-valued attribute
    ['emails.type eq "other"', false],
    ['emails.type ne "work"', false], // ne: no value equals
    ['emails[type eq "work" and primary eq true].value eq "bjensen@example.com"', true],
    ['emails[type eq "home"].value eq "bjensen@example.com"', false],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails[not (type eq "work")]', true],
    ['active eq true', true],
    ['active eq "True"', true], // string booleans, as clients send them
    ['active eq false', false],
    ['meta.created gt "2010-01-23T04:56:21Z"', true],
    ['meta.created gt 2010-01-22T21:56:22-07:00', false], // same instant, written with an offset
    ['meta.created ge 2010-01-22T21:56:22-07:00', true],
    ['meta.lastModified gt 2011-05-13T04:42:34.1234559Z', true], // sub-millisecond precision
    ['meta.lastModified lt 2011-05-13T04:42:34.1234561Z', true],
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', false],
    ['title pr', false], // "" is unassigned
    ['addresses pr', false], // [] is unassigned
    ['nickName pr', false],
    ['name pr', true],
    ['emails pr', true],
    ['title eq null', true],
    ['userName ne null', true],
    ['department eq "tour operations"', true], // extension attribute by bare name
    [`${ENT}:department sw "Tour"`, true],
    [`${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true],
    ['not (userName eq "x") and (title pr or active eq true)', true],
    ['userName eq "x" or displayName eq "y" and active eq true', false],
  ])('%s → %s', (f, expected) => {
    expect(matches(f)).toBe(expected);
  });

  it('reads keys of any case in the resource', () => {
    const r = { USERNAME: 'x', Emails: [{ Value: 'a@b.c', Primary: true }] };
    expect(matches('userName eq "X"', r)).toBe(true);
    expect(matches('emails[primary eq true].value eq "A@B.C"', r)).toBe(true);
  });

  it('compares a complex attribute without sub-attribute by its value (members eq "id")', () => {
    const g = { displayName: 'G', members: [{ value: 'u1' }, { value: 'u2' }] };
    expect(compileFilter('members eq "u2"', groupResourceSchema).matches(g)).toBe(true);
    expect(compileFilter('members[value eq "u3"]', groupResourceSchema).matches(g)).toBe(false);
  });

  it('evaluates without a schema: case-insensitive, types from the values', () => {
    expect(evaluateFilter(parseFilter('Foo eq "BAR"'), { foo: 'bar' })).toBe(true);
    expect(evaluateFilter(parseFilter('n gt 2'), { n: 3 })).toBe(true);
    expect(evaluateFilter(parseFilter('b eq true'), { b: true })).toBe(true);
    expect(evaluateFilter(parseFilter('b gt true'), { b: true })).toBe(false);
  });

  it("answers the Microsoft suite's queries as it expects", () => {
    const emp = (userName: string, familyName: string, email: string) => ({
      userName,
      name: { familyName },
      emails: [{ type: 'work', primary: true, value: email }],
      meta: { created: '2019-09-18T18:15:26.5788954+00:00' },
    });
    const users = [
      emp('OMalley', 'OMalley', 'anna33@example.com'),
      emp('emp1', 'Employee', 'anna33@gmail.com'),
      emp('emp2', 'Employee', 'x@example.org'),
      emp('emp3', 'Employee', 'y@example.com'),
      emp('enterprise', 'Employee', 'z@example.com'),
    ];
    const count = (f: string) => users.filter((u) => matches(f, u)).length;
    expect(count('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')).toBe(3);
    expect(count('userName sw O')).toBe(1);
    expect(count('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toBe(5);
  });
});

describe('validateFilter', () => {
  const check = (f: string) => () => validateFilter(parseFilter(f), userResourceSchema);
  it.each([
    ['nosuch eq "x"', /Unknown attribute 'nosuch'/],
    ['name.nosuch eq "x"', /Unknown attribute/],
    ['password eq "x"', /cannot be used/],
    ['active gt true', /not defined for the boolean/],
    ['active co "t"', /boolean/],
    ['active eq "yes"', /boolean/],
    ['meta.created gt "yesterday"', /dateTime/],
    ['emails eq 1 and name eq "x"', /'name' is complex/],
    ['userName eq true', /string/],
    ['userName gt null', /null/],
    ['emails[nosuch eq "x"]', /Unknown attribute 'nosuch'/],
    ['userName[value eq "x"]', /complex/],
  ])('%s is invalidFilter', (f, msg) => {
    expect(check(f)).toThrow(ScimError);
    expect(check(f)).toThrow(msg);
  });

  it('accepts what clients send', () => {
    for (const f of [
      'userName eq "x"',
      'emails[type eq "work"].value eq "x"',
      'active eq "False"',
      'urn:ietf:params:scim:schemas:extension:wire:1.0:User:anyKey eq "v"',
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      'not (emails pr)',
    ]) {
      expect(check(f)).not.toThrow();
    }
  });
});

describe('parseDateTime', () => {
  it('compares instants across offsets and precisions', () => {
    expect(parseDateTime('2015-10-10T14:38:21.8617979-07:00')).toBe(parseDateTime('2015-10-10T21:38:21.8617979Z'));
    expect(parseDateTime('2015-10-10T21:38:21+0000')).toBe(parseDateTime('2015-10-10T21:38:21.000Z'));
    expect(parseDateTime('2015-10-10')).toBe(parseDateTime('2015-10-10T00:00:00Z'));
    expect(parseDateTime('2011-05-13T04:42:34.1234561Z')! - parseDateTime('2011-05-13T04:42:34.123456Z')!).toBe(100n);
  });
  it.each(['yesterday', '2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z', '2023-01-01T25:00:00Z', '2023-01-01T00:00:00+25:00', ''])(
    'rejects %j',
    (s) => expect(parseDateTime(s)).toBeUndefined(),
  );
});

describe('indexableEquality', () => {
  const idx = (f: string, rs = userResourceSchema) => indexableEquality(parseFilter(f), rs);

  it.each([
    ['userName eq "Bjensen"', 'userName', 'Bjensen', false],
    ['externalId eq "Abc"', 'externalId', 'Abc', true],
    ['id eq "u1"', 'id', 'u1', true],
    ['emails.value eq "a@b.c"', 'emails.value', 'a@b.c', false],
    ['urn:ietf:params:scim:schemas:core:2.0:User:UserName eq "x"', 'userName', 'x', false],
    ['externalId eq 123', 'externalId', '123', true],
  ])('%s → a keyed lookup with nothing left over', (f, attribute, value, caseExact) => {
    expect(idx(f)).toEqual({ attribute, value, caseExact, residual: undefined });
  });

  it('keeps the filtered form as residual: the lookup alone would over-match', () => {
    const f = parseFilter('emails[type eq "work"].value eq "a@b.c"');
    expect(indexableEquality(f, userResourceSchema)).toEqual({ attribute: 'emails.value', value: 'a@b.c', caseExact: false, residual: f });
    expect(idx('emails[value eq "a@b.c" and type eq "work"]')).toMatchObject({ attribute: 'emails.value', value: 'a@b.c' });
  });

  it('finds the best key under a top-level and, leaving the rest', () => {
    expect(idx('active eq true and userName eq "x" and externalId eq "e"')).toEqual({
      attribute: 'externalId',
      value: 'e',
      caseExact: true,
      residual: parseFilter('active eq true and userName eq "x"'),
    });
    expect(idx('displayName eq "G" and members[value eq "u1"]', groupResourceSchema)).toMatchObject({
      attribute: 'members.value',
      value: 'u1',
    });
  });

  it('gives nothing for or, not, other operators or unindexed attributes', () => {
    for (const f of [
      'userName eq "a" or userName eq "b"',
      'not (userName eq "a")',
      'userName sw "a"',
      'title eq "x"',
      'userName eq null',
      '(userName eq "a" or id eq "b") and title pr',
    ]) {
      expect(idx(f)).toBeUndefined();
    }
  });

  it('honours the caller’s list of indexed attributes and their order', () => {
    expect(indexableEquality(parseFilter('userName eq "u" and externalId eq "e"'), userResourceSchema, ['userName'])).toMatchObject({
      attribute: 'userName',
      residual: parseFilter('externalId eq "e"'),
    });
  });
});
