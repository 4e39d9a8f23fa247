import { commonErrorResponses, invalidInputResponse, listResponseExample, scimErrorExample } from '../common/examples';

/** OpenAPI examples for the Groups routes. */
const GID = '7d1c9a3e-5b2f-4e8a-9c6d-1f2e3a4b5c6d';
const UID = '0f4c2c0e-2b8c-4a5e-9a7e-3c1d2b4a5e6f';

export const groupExample = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName: 'Sales',
  externalId: 'sales@example.com',
  members: [{ value: UID, display: 'Alice Smith' }],
};

export const groupResponseExample = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: GID,
  externalId: 'sales@example.com',
  displayName: 'Sales',
  members: [{ value: UID, display: 'Alice Smith', type: 'User', $ref: `https://wire.example.com/scim/v2/Users/${UID}` }],
  meta: {
    resourceType: 'Group',
    created: '2026-11-30T08:00:00.000Z',
    lastModified: '2026-11-30T08:05:00.000Z',
    version: 'W/"3f7a0c…"',
    location: `https://wire.example.com/scim/v2/Groups/${GID}`,
  },
};

export const groupPatchExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    { op: 'add', path: 'members', value: [{ value: UID }] },
    { op: 'Remove', path: 'members', value: [{ value: '5e6f0f4c-2c0e-4a5e-9a7e-3c1d2b4a0f4c' }] },
    { op: 'remove', path: 'members[value eq "9a7e3c1d-2b4a-4e6f-8f4c-2c0e2b8c4a5e"]' },
    { op: 'replace', value: { id: GID, displayName: 'Sales EMEA' } },
  ],
};

export const groupListExample = listResponseExample(groupResponseExample);

export const groupSearchExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
  filter: 'displayName eq "Sales"',
  excludedAttributes: ['members'],
  startIndex: 1,
  count: 10,
};

const err = scimErrorExample;

export const groupErrors = {
  ...commonErrorResponses,
  400: invalidInputResponse(
    err('400', 'invalidValue', `These users do not exist, are not in your team, or not "managed_by" = "scim": ${UID}`),
  ),
  404: {
    status: 404,
    description: 'No such group in the token’s team',
    schema: { example: err('404', undefined, `Group ${GID} not found`) },
  },
  409: {
    status: 409,
    description: 'Too many concurrent changes of the group’s name',
    schema: { example: err('409', undefined, 'The group is being changed by other requests at the same time; try again') },
  },
} as const;
