import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors';
import { failsWith as fails } from '../expect-scim-error';
import type { JsonObject } from '../json';
import { groupResourceSchema, userResourceSchema } from '../schema/resource-schemas';
import { applyPatch, type PatchOptions } from './apply';
import { parsePatchRequest, PATCH_OP_SCHEMA } from './request';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

const user = (): JsonObject => ({
  schemas: [CORE],
  id: 'u1',
  userName: 'bjensen',
  externalId: 'ext-1',
  active: true,
  displayName: 'Babs',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@home.org', type: 'home' },
  ],
  addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }],
  meta: { resourceType: 'User', version: 'W/"1"' },
});
const group = (members: string[] = ['a', 'b', 'c']): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Group',
  members: members.map((value) => ({ value })),
});

const body = (Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const patchUser = (ops: unknown[], r = user(), o?: PatchOptions) => applyPatch(r, parsePatchRequest(body(ops)), userResourceSchema, o);
const patchGroup = (ops: unknown[], r = group()) => applyPatch(r, parsePatchRequest(body(ops)), groupResourceSchema);

describe('parsePatchRequest', () => {
  it('accepts ops and keys in any case, ignores extra members', () => {
    expect(
      parsePatchRequest({
        SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()],
        id: 'x',
        operations: [{ OP: 'Replace', Path: 'active', VALUE: 'False', name: 'n' }],
      }),
    ).toEqual([{ op: 'replace', path: 'active', value: 'False' }]);
  });
  it.each([
    [null, /object/],
    [{ Operations: [] }, /schemas/],
    [{ schemas: ['urn:other'], Operations: [] }, /schemas/],
    [{ schemas: [PATCH_OP_SCHEMA] }, /Operations/],
    [{ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'move' }] }, /'add', 'replace' or 'remove'/],
    [{ schemas: [PATCH_OP_SCHEMA], Operations: [{ path: 'x' }] }, /op/],
    [{ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 3 }] }, /path/],
    [{ schemas: [PATCH_OP_SCHEMA], Operations: ['add'] }, /object/],
  ])('rejects %j as invalidSyntax', (b, msg) => {
    expect(fails('invalidSyntax', () => parsePatchRequest(b))).toMatch(msg);
  });
});

describe('applyPatch: simple attributes', () => {
  it('replaces, adds and removes, reporting whether anything changed', () => {
    const r = patchUser([{ op: 'replace', path: 'userName', value: 'ryan3' }]);
    expect(r.resource['userName']).toBe('ryan3');
    expect(r.changed).toBe(true);
    expect(patchUser([{ op: 'replace', path: 'USERNAME', value: 'bjensen' }]).changed).toBe(false);
    expect(patchUser([{ op: 'add', path: 'title', value: 'Tour Guide' }]).resource['title']).toBe('Tour Guide');
    expect(patchUser([{ op: 'remove', path: 'displayName' }]).resource).not.toHaveProperty('displayName');
    expect(patchUser([{ op: 'replace', path: 'displayName', value: null }]).resource).not.toHaveProperty('displayName');
  });

  it('leaves the input untouched and is all-or-nothing', () => {
    const input = user();
    const before = structuredClone(input);
    expect(() =>
      patchUser(
        [
          { op: 'replace', path: 'title', value: 'x' },
          { op: 'replace', path: 'id', value: 'y' },
        ],
        input,
      ),
    ).toThrow(ScimError);
    expect(input).toEqual(before);
  });

  it('removing what is not there is a no-op', () => {
    expect(patchUser([{ op: 'remove', path: 'nickName' }]).changed).toBe(false);
  });

  it('coerces string booleans where the schema says boolean, and rejects non-booleans', () => {
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'False' }]).resource['active']).toBe(false);
    expect(patchUser([{ op: 'replace', path: 'active', value: 'TRUE' }]).changed).toBe(false);
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'active', value: 'nope' }]))).toMatch(/active/);
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'userName', value: { a: 1 } }]))).toMatch(/userName/);
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'userName', value: ['a'] }]))).toMatch(/list/);
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'userName' }]))).toMatch(/needs a value/);
  });
});

describe('applyPatch: errors', () => {
  it('remove without a path is noTarget', () => {
    fails('noTarget', () => patchUser([{ op: 'remove' }]));
  });
  it('readOnly attributes are mutability errors when named by a path', () => {
    fails('mutability', () => patchUser([{ op: 'replace', path: 'id', value: 'x' }]));
    fails('mutability', () => patchUser([{ op: 'remove', path: 'meta' }]));
    fails('mutability', () => patchUser([{ op: 'replace', path: 'meta.version', value: 'x' }]));
    fails('mutability', () => patchUser([{ op: 'add', path: 'groups', value: [{ value: 'g' }] }]));
  });
  it('a required attribute cannot be removed (spar: userName → mutability)', () => {
    fails('mutability', () => patchUser([{ op: 'remove', path: 'userName' }]));
    fails('mutability', () => patchGroup([{ op: 'remove', path: 'displayName' }]));
  });
  it('immutable sub-attributes cannot change once set', () => {
    fails('mutability', () => patchGroup([{ op: 'replace', path: 'members[value eq "a"].value', value: 'z' }]));
  });
  it('unknown attributes are invalidPath, or skipped on request', () => {
    fails('invalidPath', () => patchUser([{ op: 'replace', path: 'nosuch', value: 'x' }]));
    fails('invalidPath', () => patchUser([{ op: 'replace', path: 'name.nosuch', value: 'x' }]));
    fails('invalidPath', () => patchUser([{ op: 'replace', value: { nosuch: 'x' } }]));
    fails('invalidPath', () => patchUser([{ op: 'replace', path: 'userName[value eq "x"]', value: 'x' }]));
    fails('invalidPath', () => patchUser([{ op: 'replace', path: 'emails[type eq "work"].nosuch', value: 'x' }]));
    fails('invalidPath', () => patchUser([{ op: 'replace', path: 'two words', value: 'x' }]));
    expect(patchUser([{ op: 'replace', path: 'nosuch', value: 'x' }], user(), { ignoreUnknownAttributes: true }).changed).toBe(false);
  });
  it('a bad value filter is invalidFilter', () => {
    fails('invalidFilter', () => patchUser([{ op: 'replace', path: 'emails[type eq].value', value: 'x' }]));
    fails('invalidFilter', () => patchUser([{ op: 'replace', path: 'emails[nosuch eq "x"].value', value: 'x' }]));
  });
  it('a path-less add needs an object', () => {
    fails('invalidValue', () => patchUser([{ op: 'add', value: 'x' }]));
  });
});

describe('applyPatch: complex and multi-valued attributes', () => {
  it('replace of a complex attribute keeps the sub-attributes not given', () => {
    const r = patchUser([{ op: 'replace', path: 'name', value: { givenName: 'Ryan', middleName: null } }]).resource;
    expect(r['name']).toEqual({ givenName: 'Ryan', familyName: 'Jensen' });
    expect(patchUser([{ op: 'replace', path: 'name.familyName', value: 'Leenay' }]).resource['name']).toEqual({
      givenName: 'Barbara',
      familyName: 'Leenay',
    });
    expect(patchUser([{ op: 'remove', path: 'name.givenName' }]).resource['name']).toEqual({ familyName: 'Jensen' });
  });

  it('add to a multi-valued attribute appends, without duplicates', () => {
    const r = patchUser([
      {
        op: 'add',
        path: 'emails',
        value: [
          { value: 'new@example.com', type: 'other' },
          { value: 'BJENSEN@example.com', type: 'work' },
        ],
      },
    ]);
    expect(r.resource['emails']).toEqual([
      { value: 'BJENSEN@example.com', type: 'work', primary: true },
      { value: 'babs@home.org', type: 'home' },
      { value: 'new@example.com', type: 'other' },
    ]);
    expect(patchGroup([{ op: 'add', path: 'members', value: [{ value: 'a' }] }]).changed).toBe(false);
  });

  it('replace of a multi-valued attribute replaces all values', () => {
    expect(patchUser([{ op: 'replace', path: 'emails', value: [{ value: 'only@x.org' }] }]).resource['emails']).toEqual([
      { value: 'only@x.org' },
    ]);
    expect(patchUser([{ op: 'replace', path: 'emails', value: [] }]).resource).not.toHaveProperty('emails');
  });

  it('primary: true is exclusive', () => {
    const r = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'other', primary: 'True' }] }]).resource;
    expect((r['emails'] as JsonObject[]).map((e) => e['primary'])).toEqual([false, undefined, true]);
    const r2 = patchUser([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]).resource;
    expect((r2['emails'] as JsonObject[]).map((e) => e['primary'])).toEqual([false, true]);
  });

  it('filtered paths replace, add and remove within matching values', () => {
    const r = patchUser([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
      { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
    ]).resource;
    expect((r['emails'] as JsonObject[])[0]).toEqual({ value: 'new@example.com', type: 'work', primary: true });
    expect(r['addresses']).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Hollywood' }]);
    expect(patchUser([{ op: 'remove', path: 'emails[type eq "home"]' }]).resource['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(patchUser([{ op: 'remove', path: 'addresses[type eq "work"].locality' }]).resource['addresses']).toEqual([
      { type: 'work', streetAddress: '100 Universal City Plaza' },
    ]);
  });

  it('add through a filter that matches nothing creates the value the filter describes', () => {
    const r = patchUser([{ op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+49 30 1234' }]).resource;
    expect(r['phoneNumbers']).toEqual([{ type: 'mobile', value: '+49 30 1234' }]);
    fails('noTarget', () => patchUser([{ op: 'add', path: 'emails[value co "zzz"].type', value: 'work' }]));
  });

  it('replace through a filter that matches nothing is noTarget (RFC 7644 §3.5.2.3), or an add on request', () => {
    expect(fails('noTarget', () => patchUser([{ op: 'replace', path: 'emails[type eq "other"].value', value: 'o@x.org' }]))).toMatch(
      /emails/,
    );
    const r = patchUser([{ op: 'replace', path: 'emails[type eq "other"].value', value: 'o@x.org' }], user(), { replaceNoMatch: 'add' });
    expect((r.resource['emails'] as JsonObject[])[2]).toEqual({ type: 'other', value: 'o@x.org' });
  });

  it('remove through a filter that matches nothing is a no-op', () => {
    expect(patchGroup([{ op: 'remove', path: 'members[value eq "zzz"]' }]).changed).toBe(false);
  });
});

describe('applyPatch: Entra ID without aadOptscim062020', () => {
  it('capitalised ops and string booleans', () => {
    const r = patchUser([
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'title', value: 'Manager' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      { op: 'Add', path: `${ENT}:manager`, value: '2819c223-7f76-453a-919d-413861904646' },
      { op: 'Add', path: `${ENT}:employeeNumber`, value: 'e-1' },
    ]).resource;
    expect(r['active']).toBe(false);
    expect(r['title']).toBe('Manager');
    expect((r['emails'] as JsonObject[])[0]?.['value']).toBe('updated@microsoft.com');
    expect((r['name'] as JsonObject)['familyName']).toBe('updatedFamilyName');
    expect(r[ENT]).toEqual({ manager: { value: '2819c223-7f76-453a-919d-413861904646' }, employeeNumber: 'e-1' });
    expect(r['schemas']).toEqual([CORE, ENT]);
  });

  it('Remove members with a value removes those members, not the whole group', () => {
    const r = patchGroup([{ op: 'Remove', path: 'members', value: [{ value: 'b' }, { value: 'zzz' }] }]);
    expect(r.resource['members']).toEqual([{ value: 'a' }, { value: 'c' }]);
  });

  it('Add members and Replace displayName', () => {
    const r = patchGroup([
      { op: 'Add', path: 'members', value: [{ value: 'd' }] },
      { op: 'Replace', path: 'displayName', value: 'Renamed' },
    ]).resource;
    expect(r['members']).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'c' }, { value: 'd' }]);
    expect(r['displayName']).toBe('Renamed');
  });
});

describe('applyPatch: Entra ID with aadOptscim062020', () => {
  it('path-less replace with plain, dotted and URN keys and real booleans', () => {
    const r = patchUser([
      {
        op: 'replace',
        value: {
          active: false,
          displayName: 'New Name',
          'name.givenName': 'Ryan',
          'emails[type eq "work"].value': 'w@example.com',
          [`${ENT}:department`]: 'Sales',
          [`${ENT}:manager`]: { value: 'm1' },
        },
      },
    ]).resource;
    expect(r).toMatchObject({ active: false, displayName: 'New Name', name: { givenName: 'Ryan', familyName: 'Jensen' } });
    expect((r['emails'] as JsonObject[])[0]?.['value']).toBe('w@example.com');
    expect(r[ENT]).toEqual({ department: 'Sales', manager: { value: 'm1' } });
  });

  it('filtered member removal', () => {
    expect(patchGroup([{ op: 'remove', path: 'members[value eq "b"]' }]).resource['members']).toEqual([{ value: 'a' }, { value: 'c' }]);
  });

  it('a path-less extension object', () => {
    const r = patchUser([{ op: 'add', value: { [ENT]: { Department: 'Ops', costCenter: '42' } } }]).resource;
    expect(r[ENT]).toEqual({ department: 'Ops', costCenter: '42' });
    const back = patchUser([{ op: 'remove', path: ENT }], r);
    expect(back.resource).not.toHaveProperty(ENT);
    expect(back.resource['schemas']).toEqual([CORE]);
  });
});

describe('applyPatch: Okta', () => {
  it('deactivation and profile updates as path-less replace', () => {
    const r = patchUser([{ op: 'replace', value: { active: false } }]);
    expect(r.resource['active']).toBe(false);
    expect(r.changed).toBe(true);
  });
  it('group rename echoing the id (readOnly ignored in a path-less value)', () => {
    const r = patchGroup([{ op: 'replace', value: { id: 'g1', displayName: 'Renamed', schemas: ['x'] } }]);
    expect(r.resource['displayName']).toBe('Renamed');
    expect(r.resource['id']).toBe('g1');
    expect(r.resource['schemas']).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Group']);
  });
  it('membership add with display and filtered remove', () => {
    const r = patchGroup([
      { op: 'add', path: 'members', value: [{ value: 'd', display: 'Dee' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
    ]);
    expect(r.resource['members']).toEqual([{ value: 'b' }, { value: 'c' }, { value: 'd', display: 'Dee' }]);
  });
});

describe("applyPatch: the Microsoft suite's PATCH bodies", () => {
  it('patch user1: replace userName', () => {
    const r = applyPatch(
      user(),
      parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: 'ryan3' }] }),
      userResourceSchema,
    );
    expect(r.resource['userName']).toBe('ryan3');
  });
  it('Replace userName and active with capital ops', () => {
    const ops = [
      { op: 'Replace', path: 'userName', value: 'newusername' },
      { op: 'Replace', path: 'active', value: false },
    ];
    expect(patchUser(ops).resource).toMatchObject({ userName: 'newusername', active: false });
  });
  it('add member with a displayName, remove it by filter, remove all members', () => {
    const g = group([]);
    const added = patchGroup(
      [{ name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'id4' }] }],
      g,
    ).resource;
    expect(added['members']).toEqual([{ displayName: 'new User', value: 'id4' }]);
    expect(patchGroup([{ op: 'remove', path: 'members[value eq "id4"]' }], added).resource).not.toHaveProperty('members');
    expect(patchGroup([{ op: 'remove', path: 'members' }]).resource).not.toHaveProperty('members');
  });
  it('add member as a bare string', () => {
    const r = applyPatch(
      group([]),
      parsePatchRequest({ id: 'g1', Operations: [{ op: 'add', path: 'members', value: 'string id 1' }], schemas: [PATCH_OP_SCHEMA] }),
      groupResourceSchema,
    );
    expect(r.resource['members']).toEqual([{ value: 'string id 1' }]);
  });
});

describe('applyPatch: no value PUT would refuse', () => {
  it('turns no number into a string and no bare string into an email entry', () => {
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'displayName', value: 5 }]))).toMatch(/expected a string/);
    expect(fails('invalidValue', () => patchUser([{ op: 'replace', path: 'emails', value: 'hello' }]))).toMatch(/emails/);
    expect(fails('invalidValue', () => patchUser([{ op: 'add', path: 'phoneNumbers', value: ['+49 1'] }]))).toMatch(/phoneNumbers/);
  });
  it("keeps the bare values PUT takes: a single-valued complex attribute's value, roles", () => {
    const ent = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    expect((patchUser([{ op: 'add', path: `${ent}:manager`, value: 'boss-id' }]).resource[ent] as JsonObject)['manager']).toEqual({
      value: 'boss-id',
    });
    expect(patchUser([{ op: 'add', path: 'roles', value: 'admin' }]).resource['roles']).toEqual([{ value: 'admin' }]);
  });
});

describe('applyPatch: Wire extensions', () => {
  it('rich info keys in the free map: add, replace, remove, case-insensitively', () => {
    const r = patchUser([{ op: 'add', path: `${WIRE}:Cost Center`, value: '42' }]).resource;
    expect(r[WIRE]).toEqual({ 'Cost Center': '42' });
    expect(r[PROFILE]).toEqual({ richInfo: { version: 0, fields: [{ type: 'Cost Center', value: '42' }] } });
    expect(r['schemas']).toEqual([CORE, PROFILE, WIRE]);
    expect(patchUser([{ op: 'replace', path: `${WIRE}:cost center`, value: '43' }], r).resource[WIRE]).toEqual({ 'Cost Center': '43' });
    const removed = patchUser([{ op: 'remove', path: `${WIRE}:COST CENTER` }], r).resource;
    expect(removed).not.toHaveProperty(WIRE);
    expect(removed).not.toHaveProperty(PROFILE);
    expect(removed['schemas']).toEqual([CORE]);
    expect(fails('invalidValue', () => patchUser([{ op: 'add', path: `${WIRE}:k`, value: { a: 1 } }]))).toMatch(/string/);
  });
  const fields = (r: JsonObject) => ((r[PROFILE] as JsonObject)['richInfo'] as JsonObject)['fields'];
  /** Both rich info forms hold exactly `want`, in its order: the profile's field list and the Wire extension's map. */
  const expectRich = (r: JsonObject, want: Record<string, string>) => {
    expect(fields(r)).toEqual(Object.entries(want).map(([type, value]) => ({ type, value })));
    expect(r[WIRE]).toEqual(want);
  };
  const withRich = () =>
    patchUser([
      {
        op: 'replace',
        path: `${PROFILE}:richInfo`,
        value: {
          version: 0,
          fields: [
            { type: 'Dept', value: 'A' },
            { type: 'Floor', value: '3' },
            { type: 'Desk', value: '7' },
          ],
        },
      },
    ]).resource;
  it('rich info fields by profile path, as spar: append, keep position, match keys ignoring case, remove', () => {
    const base = withRich();
    const added = patchUser([{ op: 'add', path: `${PROFILE}:Room`, value: 'R1' }], base).resource;
    expectRich(added, { Dept: 'A', Floor: '3', Desk: '7', Room: 'R1' });
    const replaced = patchUser([{ op: 'replace', path: `${PROFILE}:FLOOR`, value: '4' }], base).resource;
    expectRich(replaced, { Dept: 'A', Floor: '4', Desk: '7' });
    const removed = patchUser([{ op: 'Remove', path: `${PROFILE}:dept` }], base).resource;
    expectRich(removed, { Floor: '3', Desk: '7' });
    // Removing an absent key is a no-op; an empty string or a null replace removes (spar drops empty values).
    expect(patchUser([{ op: 'remove', path: `${PROFILE}:nothing` }], base).changed).toBe(false);
    expect(
      fields(
        patchUser(
          [
            { op: 'replace', path: `${PROFILE}:Desk`, value: '' },
            { op: 'replace', path: `${PROFILE}:Floor`, value: null },
          ],
          base,
        ).resource,
      ),
    ).toEqual([{ type: 'Dept', value: 'A' }]);
    expect(fails('invalidValue', () => patchUser([{ op: 'add', path: `${PROFILE}:Dept`, value: 5 }], base))).toMatch(/string/);
    expect(fails('invalidPath', () => patchUser([{ op: 'add', path: `${PROFILE}:`, value: 'x' }], base))).toMatch(
      /names no rich info field/,
    );
  });
  it('both rich info forms stay in step across the operations of one PatchOp', () => {
    const base = withRich();
    const r = patchUser(
      [
        { op: 'add', path: `${PROFILE}:Room`, value: 'R1' },
        { op: 'remove', path: `${WIRE}:floor` },
        { op: 'replace', path: `${WIRE}:DEPT`, value: 'B' },
        { op: 'add', value: { [`${WIRE}:Badge`]: '9', [`${PROFILE}:room`]: 'R2' } },
      ],
      base,
    ).resource;
    expectRich(r, { Dept: 'B', Desk: '7', Room: 'R2', Badge: '9' });
    // A whole-list replace after key edits, then a key edit on the new list.
    const r2 = patchUser(
      [
        { op: 'add', path: `${PROFILE}:X`, value: '1' },
        { op: 'replace', path: `${PROFILE}:richInfo`, value: [{ type: 'Only', value: 'one' }] },
        { op: 'add', path: `${WIRE}:Two`, value: '2' },
      ],
      base,
    ).resource;
    expectRich(r2, { Only: 'one', Two: '2' });
    // Removing either form's URN removes the rich info.
    for (const urn of [PROFILE, WIRE]) {
      const gone = patchUser([{ op: 'remove', path: urn }], base).resource;
      expect(gone).not.toHaveProperty(PROFILE);
      expect(gone).not.toHaveProperty(WIRE);
    }
  });
  it('refuses a rich info field past the entry cap', () => {
    const many = patchUser([
      { op: 'replace', path: `${PROFILE}:richInfo`, value: Array.from({ length: 1000 }, (_, i) => ({ type: `k${i}`, value: 'v' })) },
    ]).resource;
    expect(fails('invalidValue', () => patchUser([{ op: 'add', path: `${PROFILE}:one more`, value: 'v' }], many))).toMatch(/at most 1000/);
    expect(fields(patchUser([{ op: 'replace', path: `${PROFILE}:k0`, value: 'w' }], many).resource)).toHaveLength(1000);
  });
  it('richInfo as a bare array becomes the versioned object', () => {
    const r = patchUser([
      { op: 'replace', path: 'urn:wire:scim:schemas:profile:1.0:richInfo', value: [{ type: 'a', value: 'b' }] },
    ]).resource;
    expect(r['urn:wire:scim:schemas:profile:1.0']).toEqual({ richInfo: { version: 0, fields: [{ type: 'a', value: 'b' }] } });
  });
});
