/** The OpenAPI examples of /Bulk: a user created, then added to a new group by its bulkId (RFC 7644 §3.7.2). */
export const bulkRequestExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
  failOnErrors: 1,
  Operations: [
    {
      method: 'POST',
      path: '/Users',
      bulkId: 'alice',
      data: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'alice.smith',
        externalId: 'alice@example.com',
        displayName: 'Alice Smith',
      },
    },
    {
      method: 'POST',
      path: '/Groups',
      bulkId: 'eng',
      data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: 'bulkId:alice' }] },
    },
    {
      method: 'PATCH',
      path: '/Users/2819c223-7f76-453a-919d-413861904646',
      version: 'W/"a330bc54f0671c9"',
      data: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      },
    },
  ],
};

export const bulkResponseExample = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
  Operations: [
    {
      method: 'POST',
      bulkId: 'alice',
      status: '201',
      location: 'https://sso.example.com/scim/v2/Users/92b725cd-9465-4e7d-8c16-01f8e146b87a',
      version: 'W/"7e4c2a8b9d1f3e5a"',
    },
    {
      method: 'POST',
      bulkId: 'eng',
      status: '201',
      location: 'https://sso.example.com/scim/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a',
      version: 'W/"0c1d2e3f4a5b6c7d"',
    },
    {
      method: 'PATCH',
      status: '412',
      response: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '412',
        detail: 'The resource has changed: its version does not match If-Match / If-None-Match',
      },
    },
  ],
};
