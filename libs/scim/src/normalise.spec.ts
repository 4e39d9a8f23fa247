import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import type { JsonObject } from './json';
import { checkSchemas, normaliseResource, parseBoolean } from './normalise';
import { userResourceSchema } from './schema/resource-schemas';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('normaliseResource', () => {
  it('maps keys of any case to canonical names, and string booleans to booleans', () => {
    const { resource, unknown } = normaliseResource(
      {
        SCHEMAS: [CORE],
        UserName: 'x',
        Active: 'True',
        Emails: [{ Primary: 'false', VALUE: 'a@b' }],
        [ENT.toLowerCase()]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
        adreses: [],
      },
      userResourceSchema,
    );
    expect(resource).toEqual({
      schemas: [CORE],
      userName: 'x',
      active: true,
      emails: [{ primary: false, value: 'a@b' }],
      [ENT]: { department: 'bob', manager: { value: 'SuzzyQ' } },
      adreses: [],
    });
    expect(unknown).toEqual(['adreses']);
    expect(normaliseResource({ adreses: [] }, userResourceSchema, { dropUnknown: true }).resource).toEqual({});
  });
  it('rejects the same key twice and bad booleans', () => {
    expect(() => normaliseResource({ userName: 'a', USERNAME: 'b' }, userResourceSchema)).toThrow(/more than once/);
    expect(() => normaliseResource({ active: 'yes' }, userResourceSchema)).toThrow(ScimError);
  });
  it('refuses complex and multi-valued attributes of the wrong shape (they would come back in every read)', () => {
    const bads: JsonObject[] = [
      { name: [] },
      { name: 'Alice' },
      { emails: {} },
      { emails: ['a@example.com'] },
      { emails: 'a@example.com' },
      { name: { givenName: 'A' }, phoneNumbers: [null] },
      { [ENT]: { manager: 'boss' } },
    ];
    for (const bad of bads) {
      expect(() => normaliseResource(bad, userResourceSchema), JSON.stringify(bad)).toThrow(/must be an (array|object)/);
    }
    // null clears; spar's plain-string roles stay accepted.
    expect(normaliseResource({ name: null, emails: [], roles: ['admin', { value: 'member' }] }, userResourceSchema).resource).toEqual({
      name: null,
      emails: [],
      roles: ['admin', { value: 'member' }],
    });
  });
  it('refuses primitives of the wrong JSON type, as spar parses them (a number is no string)', () => {
    const bad: JsonObject[] = [
      { displayName: 5 },
      { title: true },
      { name: { givenName: 1 } },
      { emails: [{ value: 7 }] },
      { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: ['x'] } },
      { 'urn:wire:scim:schemas:profile:1.0': { richInfo: { version: '0', fields: [] } } },
    ];
    for (const b of bad) expect(() => normaliseResource(b, userResourceSchema), JSON.stringify(b)).toThrow(/must be (a string|an integer)/);
    expect(
      normaliseResource(
        { displayName: '5', 'urn:wire:scim:schemas:profile:1.0': { richInfo: { version: 0, fields: [] } } },
        userResourceSchema,
      ).resource,
    ).toMatchObject({ displayName: '5' });
  });
  it('parseBoolean', () => {
    expect([true, 'TRUE', ' false ', 'False', 'no', 1, null].map(parseBoolean)).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('checkSchemas', () => {
  it('returns the canonical list, core first, adding extensions that are used', () => {
    expect(checkSchemas({ schemas: [ENT, CORE.toUpperCase()] }, userResourceSchema)).toEqual([CORE, ENT]);
    expect(checkSchemas({ schemas: [CORE], [ENT]: {} }, userResourceSchema)).toEqual([CORE, ENT]);
  });
  it.each([
    [{}, 'invalidSyntax'],
    [{ schemas: 'x' }, 'invalidSyntax'],
    [{ schemas: [ENT] }, 'invalidSyntax'],
    [{ schemas: [CORE, 'urn:nope'] }, 'invalidValue'],
  ])('%j → %s', (r, type) => {
    expect(() => checkSchemas(r as never, userResourceSchema)).toThrow(expect.objectContaining({ scimType: type }));
  });
});
