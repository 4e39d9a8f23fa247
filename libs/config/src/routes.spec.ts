import { describe, expect, it } from 'vitest';
import { publicRoutes, routeFor } from './routes';

describe('routeFor: the public route table', () => {
  it.each([
    ['/sso/initiate-login/x', 'saml-sp'],
    ['/sso', 'saml-sp'],
    ['/identity-providers', 'saml-sp'],
    ['/identity-providers/1/raw', 'saml-sp'],
    ['/scim/v2/Users?filter=x', 'scim-api'],
    ['/scim/auth-tokens', 'token-admin'],
    ['/login?persist=true', 'token-admin'],
    ['/access', 'token-admin'],
    ['/logout', 'token-admin'],
    ['/self', 'token-admin'],
    ['/team-settings/', 'token-admin'],
    ['/v7/scim/auth-tokens', 'token-admin'],
    ['/v0/sso/metadata', 'saml-sp'],
    ['/api-docs/scim-api/openapi.json', 'scim-api'],
    ['/api-docs/saml-sp', 'saml-sp'],
    ['/api-docs/saml-sp/assets/swagger-ui.css', 'saml-sp'],
    ['/api-docs/token-admin/assets/start.js', 'token-admin'],
    // The index of the three references.
    ['/api-docs', 'token-admin'],
    ['/api-docs/', 'token-admin'],
  ])('%s -> %s', (path, app) => {
    expect(routeFor(path)).toBe(app);
  });

  it.each([
    '/i/status',
    '/i',
    '/i/teams/00000000-0000-0000-0000-000000000001',
    '/i/identity-providers/00000000-0000-0000-0000-000000000001',
    '/i/scim/userinfo/00000000-0000-0000-0000-000000000001',
    '/v3/i/status',
    '/',
    '/ssox',
    '/scim',
    '/scim/v1/Users',
    '/loginx',
    '/api-docsx',
    '/metrics',
  ])('does not route %s', (path) => {
    expect(routeFor(path)).toBeUndefined();
  });

  it('has no internal or overlapping prefixes', () => {
    for (const r of publicRoutes) {
      expect(r.prefix.startsWith('/i/')).toBe(false);
      expect(r.prefix).toMatch(/^\/[a-z0-9/-]+[a-z0-9]$/i);
    }
    expect(new Set(publicRoutes.map((r) => r.prefix)).size).toBe(publicRoutes.length);
  });

  it('lists a nested prefix before the one it is under, so first match (gateway) is longest match (Ingress)', () => {
    publicRoutes.forEach((outer, i) => {
      publicRoutes.forEach((inner, j) => {
        if (inner.prefix.startsWith(`${outer.prefix}/`)) expect(j, `${inner.prefix} before ${outer.prefix}`).toBeLessThan(i);
      });
    });
  });
});
