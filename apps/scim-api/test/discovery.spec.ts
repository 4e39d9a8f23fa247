import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimHarness } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('scim-api discovery and errors on real Cassandra', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.maxResults': 50, 'http.bodyLimit': 64 * 1024 }));
  afterAll(() => h.stop());

  it('serves the ServiceProviderConfig without auth, at both paths, truthfully', async () => {
    for (const path of ['/scim/v2/ServiceProviderConfig', '/scim/v2/serviceConfiguration', '/v7/scim/v2/ServiceProviderConfig']) {
      const r = await h.req('GET', path);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(r.json()).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true, maxOperations: 1000 },
        // maxPayloadSize is capped by http.bodyLimit (64 KiB here), which refuses larger bodies first.
        bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 65536 },
        filter: { supported: true, maxResults: 50 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        pagination: { cursor: true, index: true, maxPageSize: 50, cursorTimeout: 600 },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
        meta: { resourceType: 'ServiceProviderConfig', location: 'https://wire.example.com/scim/v2/ServiceProviderConfig' },
      });
    }
  });

  it('lists the schemas it serves and finds each by id; unknown ids are a SCIM 404', async () => {
    const r = await h.req('GET', '/scim/v2/Schemas');
    expect(r.statusCode).toBe(200);
    const ids = (r.json().Resources as Array<{ id: string }>).map((s) => s.id);
    expect(ids).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:wire:scim:schemas:profile:1.0',
      'urn:ietf:params:scim:schemas:extension:wire:1.0:User',
    ]);
    expect(r.json()).toMatchObject({ totalResults: 5, itemsPerPage: 5, startIndex: 1 });
    expect(r.body).toContain('User Account');
    // The caps RFC 7643 has no characteristic for are stated in the descriptions.
    const attr = (schema: number, name: string) =>
      (r.json().Resources[schema].attributes as Array<{ name: string; description: string }>).find((a) => a.name === name)!;
    expect(attr(0, 'emails').description).toBe('Email addresses for the user. At most 100 values.');
    expect(attr(0, 'addresses').description).toMatch(/At most 100 values\.$/);
    expect(attr(1, 'members').description).toContain('one request names at most 10000');
    for (const id of ids) {
      const one = await h.req('GET', `/scim/v2/Schemas/${id}`);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ id, schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], attributes: expect.any(Array) });
    }
    const nf = await h.req('GET', '/scim/v2/Schemas/urn:nope');
    expect(nf.statusCode).toBe(404);
    expect(nf.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(nf.json()).toEqual({ schemas: [ERROR], status: '404', detail: 'Schema urn:nope not found' });
  });

  it('answers POST, PUT, PATCH and DELETE on every discovery endpoint with 405 and an RFC 7644 error (Allow: GET)', async () => {
    const paths = [
      '/scim/v2/ServiceProviderConfig',
      '/scim/v2/serviceConfiguration',
      '/scim/v2/Schemas',
      '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
      '/scim/v2/ResourceTypes',
      '/scim/v2/ResourceTypes/User',
      '/v7/scim/v2/Schemas',
    ];
    for (const path of paths) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const body of [undefined, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }]) {
          const r = await h.req(method, path, body === undefined ? {} : { body });
          expect(r.statusCode, `${method} ${path}`).toBe(405);
          expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8');
          expect(r.headers.allow).toBe('GET');
          expect(r.json()).toEqual({
            schemas: [ERROR],
            status: '405',
            detail: `${method} is not allowed on ${path.replace('/v7', '')}: discovery endpoints are read-only (GET)`,
          });
        }
      }
    }
    // Reads are unchanged, and a token is not needed to learn that writes are refused.
    expect((await h.req('GET', '/scim/v2/ResourceTypes')).statusCode).toBe(200);
  });

  it('lists the resource types: User first, then Group', async () => {
    const r = await h.req('GET', '/scim/v2/ResourceTypes');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      totalResults: 2,
      Resources: [
        { id: 'User', name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' },
        { id: 'Group', name: 'Group', endpoint: '/Groups', schema: 'urn:ietf:params:scim:schemas:core:2.0:Group' },
      ],
    });
    expect((await h.req('GET', '/scim/v2/ResourceTypes/User')).json()).toMatchObject({ id: 'User', schemaExtensions: expect.any(Array) });
    expect((await h.req('GET', '/scim/v2/ResourceTypes/group')).json()).toMatchObject({ id: 'Group', endpoint: '/Groups' });
    const nf = await h.req('GET', '/scim/v2/ResourceTypes/Bulk');
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toMatchObject({ schemas: [ERROR], status: '404' });
  });

  it('renders every error under /scim/v2 as an RFC 7644 body, never a 500', async () => {
    const { token } = await h.team();
    const none = await h.req('GET', '/scim/v2/Users');
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ schemas: [ERROR], status: '401', detail: 'authorization failed: Token not provided' });
    const wrong = await h.req('GET', '/scim/v2/Users', { token: 'x'.repeat(44) });
    expect(wrong.json()).toEqual({ schemas: [ERROR], status: '401', detail: 'authorization failed: Invalid SCIM token' });

    const syntax = await h.req('POST', '/scim/v2/Users', { token, raw: '{"userName": tre' });
    expect(syntax.statusCode).toBe(400);
    expect(syntax.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(syntax.json()).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });

    const big = await h.req('POST', '/scim/v2/Users', { token, raw: JSON.stringify({ userName: 'x'.repeat(100_000) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ schemas: [ERROR], status: '413' });

    const media = await h.req('POST', '/scim/v2/Users', { token, raw: 'userName=x', headers: { 'content-type': 'text/plain' } });
    expect(media.statusCode).toBe(415);
    expect(media.json()).toMatchObject({ schemas: [ERROR], status: '415' });

    const route = await h.req('GET', '/scim/v2/Nothing', { token });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ schemas: [ERROR], status: '404' });

    const version = await h.req('GET', '/v99/scim/v2/Users', { token });
    expect(version.statusCode).toBe(404);
    expect(version.json()).toMatchObject({ schemas: [ERROR], status: '404' });

    const notObject = await h.req('POST', '/scim/v2/Users', { token, body: [1, 2] });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json()).toMatchObject({ schemas: [ERROR], scimType: 'invalidSyntax' });

    const del = await h.req('DELETE', '/scim/v2/Users', { token });
    expect(del.statusCode).toBe(405);
    expect(del.json()).toMatchObject({ schemas: [ERROR], status: '405' });
  });

  it('serves its OpenAPI document once per request: no second send, no 500 counted', async () => {
    for (const url of ['/api-docs/scim-api/openapi.json', '/v7/api-docs/scim-api/openapi.json']) {
      const r = await h.req('GET', url);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.json()).toMatchObject({ openapi: '3.0.0', info: { title: 'scim-api' } });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(h.t.logs()).not.toMatch(/ERR_HTTP_HEADERS_SENT|Reply was already sent/);
    const metrics = (await h.req('GET', '/i/metrics')).body;
    expect(metrics).toMatch(/http_requests_total\{method="GET",handler="\/api-docs\/scim-api\/openapi.json",status_code="200"/);
    expect(metrics).not.toMatch(/handler="\/api-docs[^"]*",status_code="5/);
  });

  it('documents every SCIM route in the OpenAPI document, with examples', async () => {
    const doc = (await h.req('GET', '/api-docs/scim-api/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    const want: Record<string, string[]> = {
      '/scim/v2/ServiceProviderConfig': ['get'],
      '/scim/v2/Schemas': ['get'],
      '/scim/v2/Schemas/{id}': ['get'],
      '/scim/v2/ResourceTypes': ['get'],
      '/scim/v2/ResourceTypes/{id}': ['get'],
      '/scim/v2/Users': ['get', 'post', 'delete'],
      '/scim/v2/Users/.search': ['post'],
      '/scim/v2/Users/{id}': ['get', 'put', 'patch', 'delete'],
      '/scim/v2/Groups': ['get', 'post'],
      '/scim/v2/Groups/.search': ['post'],
      '/scim/v2/Groups/{id}': ['get', 'put', 'patch', 'delete'],
      '/scim/v2/Bulk': ['post'],
    };
    for (const [path, methods] of Object.entries(want)) {
      for (const m of methods) {
        const op = doc.paths[path]?.[m];
        expect(op, `${m} ${path}`).toBeDefined();
        expect(JSON.stringify(op), `${m} ${path}`).toContain('example');
        if ((path.includes('Groups') || path.includes('Bulk')) && m !== 'get' && m !== 'delete')
          expect(JSON.stringify(op.requestBody), `${m} ${path} body`).toContain('example');
      }
    }
    // Each route once, under the path clients use; the spellings it also answers to are described.
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(want).sort());
    const described = (doc.paths['/scim/v2/ServiceProviderConfig']!['get'] as unknown as { description: string }).description;
    for (const alias of ['/scim/v2/serviceConfiguration', '/scim/v2/serviceproviderconfig', '/scim/V2/ServiceProviderConfig']) {
      expect(described).toContain(`\`${alias}\``);
      expect((await h.req('GET', alias)).statusCode, alias).toBe(200);
    }
  });
});
