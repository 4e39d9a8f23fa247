/** What the OpenAPI examples of Users and Groups share: the RFC 7644 error and list shapes. */

/** An RFC 7644 §3.12 error body. */
export const scimErrorExample = (status: string, scimType: string | undefined, detail: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status,
  ...(scimType ? { scimType } : {}),
  detail,
});

/** A ListResponse (RFC 7644 §3.4.2) of one resource. */
export const listResponseExample = <T>(resource: T) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 1,
  itemsPerPage: 1,
  startIndex: 1,
  Resources: [resource],
});

/** The 400 response of a route that validates its input, with the resource's own example. */
export const invalidInputResponse = (example: ReturnType<typeof scimErrorExample>) => ({
  status: 400,
  description: 'Invalid input (`invalidValue`, `invalidSyntax`, `invalidFilter`, `invalidPath`, `noTarget`, `mutability`, `invalidCursor`)',
  schema: { example },
});

/** The error responses alike for every resource: 401 (the token guard) and 412 (If-Match / If-None-Match). */
export const commonErrorResponses = {
  401: {
    status: 401,
    description: 'No or an unknown SCIM token',
    schema: { example: scimErrorExample('401', undefined, 'authorization failed: Invalid SCIM token') },
  },
  412: {
    status: 412,
    description: 'If-Match / If-None-Match failed',
    schema: {
      example: scimErrorExample('412', undefined, 'The resource has changed: its version does not match If-Match / If-None-Match'),
    },
  },
};
