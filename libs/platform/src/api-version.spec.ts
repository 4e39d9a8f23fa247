import { describe, expect, it } from 'vitest';
import { stripApiVersion } from './api-version';

describe('stripApiVersion', () => {
  it('keeps unversioned paths as v0', () => {
    expect(stripApiVersion('/sso/metadata?x=1')).toEqual({ url: '/sso/metadata?x=1', version: 0 });
    expect(stripApiVersion('/version/x')).toEqual({ url: '/version/x', version: 0 });
  });
  it('strips /vN and keeps the query', () => {
    expect(stripApiVersion('/v7/scim/auth-tokens?id=1')).toEqual({ url: '/scim/auth-tokens?id=1', version: 7, unsupported: false });
    expect(stripApiVersion('/v16/sso')).toMatchObject({ url: '/sso', version: 16, unsupported: false });
  });
  it('flags versions past 16, padded numbers and versioned internal routes', () => {
    expect(stripApiVersion('/v17/sso').unsupported).toBe(true);
    expect(stripApiVersion('/v007/sso').unsupported).toBe(true);
    expect(stripApiVersion('/v3/i/status').unsupported).toBe(true);
    expect(stripApiVersion('/v3/identity-providers').unsupported).toBe(false);
  });
});
