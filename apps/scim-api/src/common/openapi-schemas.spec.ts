import { describe, expect, it } from 'vitest';
import { scimErrorSchema } from '@sso/platform';
import { scimTypes } from '@sso/scim';

describe('the OpenAPI error schema of /scim/v2', () => {
  it('names exactly the scimTypes the service can send', () => {
    expect([...scimErrorSchema.properties.scimType.enum].sort()).toEqual([...scimTypes].sort());
  });
});
