import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimHarness, SCIM } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Sends bytes as they are; the raw answer, split into status, lower-cased head and body. */
function raw(port: number, data: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(data));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => {
      const [head, body] = out.split('\r\n\r\n', 2);
      resolve({ status: Number(head!.split(' ')[1]), head: head!.toLowerCase(), body: body ?? '' });
    });
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('no answer')));
  });
}

describe('scim-api answers hostile and careless input in RFC 7644 shape', () => {
  const h = new ScimHarness();
  let port: number;

  beforeAll(async () => {
    await h.start();
    await h.t.app.listen(0, '127.0.0.1');
    port = (h.t.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(() => h.stop());

  it('refuses a 3,000-deep body with 400 invalidSyntax, before and after authentication', async () => {
    const { token } = await h.team();
    const deep = `{"schemas":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    for (const [url, tok] of [
      ['/scim/v2/Users', undefined],
      ['/scim/v2/Users', token],
      ['/scim/v2/Groups', token],
    ] as const) {
      const r = await h.req('POST', url, { token: tok, raw: deep });
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(r.json()).toEqual({
        schemas: [ERROR],
        status: '400',
        scimType: 'invalidSyntax',
        detail: 'JSON body nested deeper than 32 levels',
      });
    }
    expect(h.t.logs()).not.toMatch(/call stack|"level":50/);
  });

  it('refuses a SCIM token or access token in the query string (400), and logs neither', async () => {
    const { token } = await h.team();
    for (const url of [`/scim/v2/Users?access_token=${token}`, `/scim/v2/Users?filter=userName%20eq%20%22a%22&access_token=${token}`]) {
      const r = await h.req('GET', url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', detail: expect.stringMatching(/Authorization header/) });
    }
    await h.req('GET', `/scim/v2/Users?token=${token}`);
    expect(h.t.logs()).not.toContain(token);
  });

  it('answers a too long id with 414, and a broken path with 400, as SCIM errors', async () => {
    const { token } = await h.team();
    const long = await h.req('GET', `/scim/v2/Users/${'a'.repeat(600)}`, { token });
    expect(long.statusCode).toBe(414);
    expect(long.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(long.json()).toEqual({ schemas: [ERROR], status: '414', detail: 'A path segment is too long (at most 512 characters)' });
    const broken = await h.req('GET', '/scim/v2/Users/%zz', { token });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ schemas: [ERROR], status: '400' });
  });

  it('answers what Node cannot parse in SCIM shape on /scim/v2, in Wire shape elsewhere', async () => {
    const big = `X-Big: ${'a'.repeat(20_000)}\r\n`;
    const scim = await raw(port, `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(scim.status).toBe(431);
    expect(scim.head).toContain(`content-type: ${SCIM}`);
    expect(JSON.parse(scim.body)).toEqual({ schemas: [ERROR], status: '431', detail: 'Request header fields too large' });
    const method = await raw(port, 'FOO /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(method.status).toBe(400);
    expect(JSON.parse(method.body)).toEqual({ schemas: [ERROR], status: '400', detail: 'Unknown HTTP method' });
    const other = await raw(port, `GET /api-docs/scim-api/openapi.json HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(JSON.parse(other.body)).toEqual({ code: 431, label: 'client-error', message: 'Request header fields too large' });
  });

  it('serves its OpenAPI document without an error in the log, and counts a 200', async () => {
    const before = h.t.logs().length;
    const r = await h.req('GET', '/api-docs/scim-api/openapi.json');
    expect(r.statusCode).toBe(200);
    expect(r.json().openapi).toMatch(/^3\./);
    await new Promise((res) => setTimeout(res, 50));
    expect(h.t.logs().slice(before)).not.toMatch(/HEADERS_SENT|already sent|"level":(40|50)/);
    const metrics = (await h.req('GET', '/i/metrics')).body;
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",handler="\/api-docs\/scim-api\/openapi.json",status_code="200",app="scim-api"\} 1\n/,
    );
    expect(metrics).not.toMatch(/openapi.json",status_code="5/);
  });
});
