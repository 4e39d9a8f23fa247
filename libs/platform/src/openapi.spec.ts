import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { SCIM_MEDIA_TYPE, finishDocument } from './openapi';

const doc = (paths: Record<string, unknown>): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '0' },
  paths: paths as OpenAPIObject['paths'],
});
const wire = { $ref: '#/components/schemas/WireError' };
const scim = { $ref: '#/components/schemas/ScimError' };

describe('finishDocument', () => {
  it('lists a route with several paths once, under its first path, naming the others in words', () => {
    const d = finishDocument(
      doc({
        '/scim/v2/Users': { get: { operationId: 'Users_list[0]', description: 'List.', responses: { 200: { description: 'ok' } } } },
        '/scim/v2/users': { get: { operationId: 'Users_list[1]', responses: { 200: { description: 'ok' } } } },
        '/access/logout': { post: { operationId: 'Login_logout[0]', responses: { 200: { description: 'ok' } } } },
        '/logout': {
          post: { operationId: 'Login_logout[1]', responses: { 200: { description: 'ok' } } },
          get: { operationId: 'Other_get', responses: { 200: { description: 'ok' } } },
        },
      }),
    );
    expect(Object.keys(d.paths)).toEqual(['/scim/v2/Users', '/access/logout', '/logout']);
    expect(d.paths['/scim/v2/Users']!.get!.operationId).toBe('Users_list');
    expect(d.paths['/scim/v2/Users']!.get!.description).toBe(
      'List.\n\nAlso answers at `/scim/v2/users` (the same route, for clients that spell the path so).',
    );
    expect(d.paths['/access/logout']!.post!.description).toContain('`/logout`');
    expect(Object.keys(d.paths['/logout']!)).toEqual(['get']); // another route on the alias path stays
    expect(d.info.description).toMatch(/`\/v0` to `\/v16`/);
  });

  it('adds what the platform answers: 401 behind a bearer guard, 400/413/415 for a body, with the Wire error schema', () => {
    const d = finishDocument(
      doc({
        '/self': { get: { security: [{ bearer: [] }], responses: { 200: { description: 'ok' }, 404: { description: '`not-found`' } } } },
        '/login': {
          post: {
            requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
            responses: { 200: { description: 'ok' } },
          },
        },
        '/open': { get: { responses: { 200: { description: 'ok' } } } },
      }),
    );
    const self = d.paths['/self']!.get!.responses;
    expect(Object.keys(self).sort()).toEqual(['200', '401', '404']);
    expect(self['401']).toEqual({
      description: expect.stringContaining('missing-auth'),
      content: { 'application/json': { schema: wire } },
    });
    expect(self['404']).toEqual({ description: '`not-found`', content: { 'application/json': { schema: wire } } });
    expect(Object.keys(d.paths['/login']!.post!.responses).sort()).toEqual(['200', '400', '413', '415']);
    expect(Object.keys(d.paths['/open']!.get!.responses)).toEqual(['200']);
    expect(d.components!.schemas!['WireError']).toMatchObject({ required: ['code', 'label', 'message'] });
  });

  it('under /scim/v2: RFC 7644 errors, application/scim+json responses, both JSON media types accepted', () => {
    const example = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User x not found' };
    const d = finishDocument(
      doc({
        '/scim/v2/Users/{id}': {
          put: {
            security: [{ bearer: [] }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', example: { userName: 'a' } } } } },
            responses: {
              200: { description: 'ok', content: { 'application/json': { schema: { type: 'object', example: { id: 'x' } } } } },
              404: { description: 'gone', content: { 'application/json': { schema: { example } } } },
            },
          },
        },
      }),
    );
    const op = d.paths['/scim/v2/Users/{id}']!.put!;
    const body = (op.requestBody as { content: Record<string, unknown> }).content;
    expect(Object.keys(body).sort()).toEqual(['application/json', SCIM_MEDIA_TYPE]);
    expect(body['application/json']).toEqual({ schema: { type: 'object' }, example: { userName: 'a' } });
    const r = op.responses as Record<string, { content?: Record<string, unknown> }>;
    expect(r['200']!.content).toEqual({ [SCIM_MEDIA_TYPE]: { schema: { type: 'object' }, example: { id: 'x' } } });
    expect(r['404']!.content).toEqual({ [SCIM_MEDIA_TYPE]: { schema: scim, example } });
    // 429: the per-token rate limit of every SCIM route behind the token guard, with its example and Retry-After.
    expect(Object.keys(r).sort()).toEqual(['200', '400', '401', '404', '413', '415', '429']);
    expect(r['401']!.content).toEqual({ [SCIM_MEDIA_TYPE]: { schema: scim } });
    expect(r['429']).toMatchObject({
      headers: { 'Retry-After': expect.anything() },
      content: { [SCIM_MEDIA_TYPE]: { schema: scim, example: expect.objectContaining({ status: '429' }) } },
    });
  });

  it('leaves error responses that say what they send (HTML pages, typed bodies) as they are', () => {
    const html = { 'text/html': { schema: { type: 'string' } } };
    const typed = { 'application/json': { schema: { type: 'object', properties: {} } } };
    const d = finishDocument(
      doc({
        '/sso/finalize-login': {
          post: { responses: { 400: { description: 'page', content: html }, 404: { description: '{}', content: typed } } },
        },
      }),
    );
    expect(d.paths['/sso/finalize-login']!.post!.responses).toEqual({
      400: { description: 'page', content: html },
      404: { description: '{}', content: typed },
    });
  });
});
