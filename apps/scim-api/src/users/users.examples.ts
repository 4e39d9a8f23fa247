import { commonErrorResponses, invalidInputResponse, listResponseExample, scimErrorExample } from '../common/examples';

/** OpenAPI examples for the Users routes. */
export const userExample = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName: 'Alice.Smith',
  externalId: 'alice@example.com',
  displayName: 'Alice Smith',
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+49 30 1234567', type: 'work' }],
  preferredLanguage: 'en',
  roles: [{ value: 'member' }],
  active: true,
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
  'urn:ietf:params:scim:schemas:extension:wire:1.0:User': { Team: 'EMEA' },
};

export const userResponseExample = {
  ...userExample,
  schemas: [...userExample.schemas, 'urn:wire:scim:schemas:profile:1.0', 'urn:ietf:params:scim:schemas:extension:wire:1.0:User'],
  id: '0f4c2c0e-2b8c-4a5e-9a7e-3c1d2b4a5e6f',
  'urn:wire:scim:schemas:profile:1.0': { richInfo: { version: 0, fields: [{ type: 'Team', value: 'EMEA' }] } },
  meta: {
    resourceType: 'User',
    created: '2026-11-30T06:50:00.000Z',
    lastModified: '2026-11-30T06:50:00.000Z',
    version: 'W/"5b1d…"',
    location: 'https://wire.example.com/scim/v2/Users/0f4c2c0e-2b8c-4a5e-9a7e-3c1d2b4a5e6f',
  },
};

export const patchExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    { op: 'replace', path: 'active', value: false },
    {
      op: 'Replace',
      value: { 'name.givenName': 'Alicia', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Support' },
    },
    { op: 'remove', path: 'emails[type eq "home"]' },
  ],
};

export const listExample = listResponseExample(userResponseExample);

export const searchExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
  filter: 'userName eq "alice.smith"',
  attributes: ['userName', 'emails'],
  startIndex: 1,
  count: 10,
};

const err = scimErrorExample;

export const errors = {
  ...commonErrorResponses,
  400: invalidInputResponse(err('400', 'invalidValue', "'externalId' is required")),
  404: {
    status: 404,
    description: 'No such user in the token’s team',
    schema: { example: err('404', undefined, 'User 0f4c2c0e-2b8c-4a5e-9a7e-3c1d2b4a5e6f not found') },
  },
  409: {
    status: 409,
    description: 'userName or externalId taken',
    schema: { example: err('409', 'uniqueness', 'userName is already taken') },
  },
  413: {
    status: 413,
    description: 'Rich info above `richInfoLimit`, or the body above the size limit',
    schema: { example: err('413', undefined, 'Rich info is larger than the limit of 5000 characters') },
  },
} as const;
