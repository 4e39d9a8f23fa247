/** An RFC 7644 error body for the OpenAPI examples of Users and Groups. */
export const scimErrorExample = (status: string, scimType: string | undefined, detail: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status,
  ...(scimType ? { scimType } : {}),
  detail,
});
