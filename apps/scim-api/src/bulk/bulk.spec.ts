import { describe, expect, it } from 'vitest';
import { ScimError } from '@sso/scim';
import { checkPayloadSize, parseBulkRequest } from './bulk-request';
import { type ResolvedOperation, runBulk } from './bulk-run';

const LIMITS = { maxOperations: 10, maxPayloadSize: 4096 };
const SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [SCHEMA], Operations, ...extra });
const post = (path: string, bulkId: string, data: Record<string, unknown> = {}) => ({ method: 'POST', path, bulkId, data });

const thrown = (f: () => unknown): ScimError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('nothing thrown');
};

/** Fake ports: ids u1, u2, ... in run order; `fail` names data.userName values that fail with a 409. */
function fakePorts(fail: string[] = []) {
  const runs: ResolvedOperation[] = [];
  let n = 0;
  return {
    runs,
    ports: {
      run: async (op: ResolvedOperation) => {
        runs.push(op);
        const name = (op.data as { userName?: string } | undefined)?.userName;
        if (name && fail.includes(name)) throw new ScimError('uniqueness', `userName ${name} is taken`);
        return {
          id: op.id ?? `id${++n}`,
          version: op.method === 'DELETE' ? null : 'W/"v"',
          status: op.method === 'POST' ? 201 : op.method === 'DELETE' ? 204 : 200,
        };
      },
      locate: (resource: string, id: string) => `https://x/scim/v2/${resource}/${id}`,
      classify: (e: unknown) =>
        e instanceof ScimError ? { code: e.code, message: e.message } : { code: 'server-error' as const, message: String(e) },
    },
  };
}

describe('the BulkRequest envelope', () => {
  it('refuses what is not a BulkRequest with 400 and names the problem', () => {
    expect(thrown(() => parseBulkRequest([], LIMITS)).code).toBe('invalidSyntax');
    expect(thrown(() => parseBulkRequest({ schemas: ['x'], Operations: [] }, LIMITS)).message).toMatch(/schemas must contain/);
    expect(thrown(() => parseBulkRequest({ schemas: [SCHEMA] }, LIMITS)).message).toBe('A BulkRequest needs an Operations array');
    expect(thrown(() => parseBulkRequest(bulk([]), LIMITS)).code).toBe('invalidValue');
    for (const f of [0, -1, 1.5, '2', true])
      expect(thrown(() => parseBulkRequest(bulk([post('/Users', 'a')], { failOnErrors: f }), LIMITS)).message).toMatch(/failOnErrors/);
    expect(thrown(() => parseBulkRequest(bulk([post('/Users', 'a'), post('/Groups', 'a')]), LIMITS)).message).toMatch(
      /used by more than one/,
    );
  });

  it('accepts the lowercase operations key and no schemas (lenient), and keeps failOnErrors', () => {
    const r = parseBulkRequest({ operations: [post('/users', 'a')], failOnErrors: 2 }, LIMITS);
    expect(r.failOnErrors).toBe(2);
    expect(r.operations[0]).toMatchObject({ method: 'POST', target: { resource: 'Users', id: null }, bulkId: 'a' });
  });

  it('answers 413 naming the limit above maxOperations and maxPayloadSize', () => {
    const many = Array.from({ length: 11 }, (_, i) => post('/Users', `b${i}`));
    const e = thrown(() => parseBulkRequest(bulk(many), LIMITS));
    expect([e.code, e.message]).toEqual(['payload-too-large', 'The number of operations (11) exceeds the maxOperations (10)']);
    expect(thrown(() => checkPayloadSize(4097, LIMITS)).message).toMatch(/exceeds the maxPayloadSize \(4096 bytes\)/);
    expect(() => checkPayloadSize(4096, LIMITS)).not.toThrow();
  });

  it('keeps a bad operation as its own failure, so the others still run', () => {
    const ops = parseBulkRequest(
      bulk([
        { method: 'GET', path: '/Users/1' },
        { method: 'POST', path: '/Users', data: {} },
        { method: 'POST', path: '/Users/1', bulkId: 'x', data: {} },
        { method: 'PUT', path: '/Users', data: {} },
        { method: 'DELETE', path: '/Users/1', data: {} },
        { method: 'PATCH', path: '/Users/1' },
        { method: 'PATCH', path: '/Tokens/1', data: {} },
        'nope',
        { method: 'DELETE', path: '/Users/%E0%A4%A' },
        { method: 'delete', path: '/Groups/9' },
      ]),
      LIMITS,
    ).operations;
    expect(ops.map((o) => o.problem?.message ?? 'ok')).toEqual([
      expect.stringMatching(/method must be POST, PUT, PATCH or DELETE/),
      expect.stringMatching(/a POST needs a bulkId/),
      expect.stringMatching(/POST goes to a resource type/),
      expect.stringMatching(/PUT needs a resource path/),
      expect.stringMatching(/DELETE takes no data/),
      expect.stringMatching(/PATCH needs data/),
      expect.stringMatching(/path must be \/Users/),
      expect.stringMatching(/must be an object/),
      expect.stringMatching(/not valid percent-encoding/),
      'ok',
    ]);
  });
});

describe('running a Bulk', () => {
  it('resolves bulkId references in paths and data, also to a later POST, and answers in request order', async () => {
    const { runs, ports } = fakePorts();
    const req = parseBulkRequest(
      bulk([
        post('/Groups', 'g', { displayName: 'G', members: [{ value: 'bulkId:u' }] }),
        { method: 'PATCH', path: '/Users/bulkId:u', data: { Operations: [] } },
        post('/Users', 'u', { userName: 'alice' }),
      ]),
      LIMITS,
    );
    const out = await runBulk(req, ports);
    // The user is created first, then the group that names it, then the PATCH of it.
    expect(runs.map((r) => `${r.method} ${r.resource}`)).toEqual(['POST Users', 'POST Groups', 'PATCH Users']);
    expect(runs[1].data).toEqual({ displayName: 'G', members: [{ value: 'id1' }] });
    expect(runs[2].id).toBe('id1');
    expect(out).toEqual([
      { method: 'POST', bulkId: 'g', status: '201', location: 'https://x/scim/v2/Groups/id2', version: 'W/"v"' },
      { method: 'PATCH', status: '200', location: 'https://x/scim/v2/Users/id1', version: 'W/"v"' },
      { method: 'POST', bulkId: 'u', status: '201', location: 'https://x/scim/v2/Users/id1', version: 'W/"v"' },
    ]);
  });

  it('fails references to an undefined bulkId (400), a failed POST and a cycle (409), never running them', async () => {
    const { runs, ports } = fakePorts(['taken']);
    const req = parseBulkRequest(
      bulk([
        post('/Groups', 'g1', { members: [{ value: 'bulkId:nobody' }] }),
        post('/Users', 'u', { userName: 'taken' }),
        post('/Groups', 'g2', { members: [{ value: 'bulkId:u' }] }),
        post('/Groups', 'a', { members: [{ value: 'bulkId:b' }] }),
        post('/Groups', 'b', { members: [{ value: 'bulkId:a' }] }),
        post('/Groups', 'self', { members: [{ value: 'bulkId:self' }] }),
      ]),
      LIMITS,
    );
    const out = await runBulk(req, ports);
    expect(out.map((r) => [r.status, (r['response'] as { scimType?: string; detail: string } | undefined)?.detail])).toEqual([
      ['400', 'bulkId "nobody" is not defined by a POST of this request'],
      ['409', 'userName taken is taken'],
      ['409', 'bulkId "u" was not created: its operation failed'],
      ['409', 'bulkId "b" is part of a circular reference, which is not resolved'],
      ['409', 'bulkId "a" was not created: its operation failed'],
      ['409', 'bulkId "self" is part of a circular reference, which is not resolved'],
    ]);
    expect(runs.map((r) => (r.data as { userName?: string }).userName)).toEqual(['taken']);
  });

  it('stops after failOnErrors errors and reports only what ran', async () => {
    const { runs, ports } = fakePorts(['x', 'y']);
    const ops = [
      post('/Users', 'a', { userName: 'x' }),
      post('/Users', 'b', { userName: 'ok' }),
      post('/Users', 'c', { userName: 'y' }),
      post('/Users', 'd', { userName: 'z' }),
    ];
    const out = await runBulk(parseBulkRequest(bulk(ops, { failOnErrors: 2 }), LIMITS), ports);
    expect(out.map((r) => r.status)).toEqual(['409', '201', '409']);
    expect(runs).toHaveLength(3);
    const all = await runBulk(parseBulkRequest(bulk(ops), LIMITS), fakePorts(['x', 'y']).ports);
    expect(all.map((r) => r.status)).toEqual(['409', '201', '409', '201']);
  });

  it('passes the operation version as If-Match and answers DELETE without location', async () => {
    const { runs, ports } = fakePorts();
    const out = await runBulk(parseBulkRequest(bulk([{ method: 'DELETE', path: '/Groups/g-1', version: 'W/"1"' }]), LIMITS), ports);
    expect(runs[0]).toEqual({ method: 'DELETE', resource: 'Groups', id: 'g-1', data: undefined, ifMatch: 'W/"1"' });
    expect(out).toEqual([{ method: 'DELETE', status: '204' }]);
  });
});
