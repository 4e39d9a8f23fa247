import net from 'node:net';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Header, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { type AppSpec, createApp } from './bootstrap';
import { testAppSpec } from './test-app-spec';
import { MAX_JSON_DEPTH, jsonDepthAbove } from './body-parsers';
import { sanitizeMessage, sanitizeUrl, withRedaction } from './logger';

@Controller('echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { body: body ?? null };
  }

  @Get('q')
  query(@Query() q: unknown): unknown {
    return q;
  }

  @Get('item/:id')
  item(@Param('id') id: string): unknown {
    return { id };
  }

  @Get('page')
  @Header('content-type', 'text/html;charset=utf-8')
  page(): string {
    return '<html><body>hello</body></html>';
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const base = testAppSpec(EchoModule);

/** An app listening on an ephemeral port, with its log lines captured. */
async function start(spec: AppSpec) {
  let logs = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const app = await createApp(spec, loadConfig({ env: {} }), pino({ level: 'debug' }, sink));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as net.AddressInfo).port;
  return { app, port, logs: () => logs };
}

/** Sends bytes as they are and returns the raw answer (the server closes the connection). */
function raw(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(data));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', (e) => (out ? resolve(out) : reject(e)));
    s.setTimeout(5000, () => s.destroy(new Error(`no answer; got ${JSON.stringify(out)}`)));
  });
}

const split = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n', 2);
  return { status: Number(head!.split(' ')[1]), head: head!.toLowerCase(), body: body ?? '' };
};

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonDepthAbove', () => {
  it('counts objects and arrays, and ignores brackets inside strings and after escapes', () => {
    expect(jsonDepthAbove(nested(3), 3)).toBe(0);
    expect(jsonDepthAbove(nested(4), 3)).toBe(4);
    expect(jsonDepthAbove('{"a":{"b":[{}]}}', 4)).toBe(0);
    expect(jsonDepthAbove('{"a":{"b":[{}]}}', 3)).toBe(4);
    expect(jsonDepthAbove(`{"s":"${'['.repeat(100)}"}`, 1)).toBe(0);
    expect(jsonDepthAbove(`{"s":"\\"${'{'.repeat(100)}"}`, 1)).toBe(0);
    expect(jsonDepthAbove(`["\\\\",${nested(5)}]`, 5)).toBe(6);
  });
});

describe('log sanitising', () => {
  it('redacts credential and SAML query parameters, keeps the rest', () => {
    expect(sanitizeUrl('/self?access_token=abc.def&x=1')).toBe('/self?access_token=[redacted]&x=1');
    expect(sanitizeUrl('/a?x=1&ACCESS%5Ftoken=s&SAMLResponse=PHN&Signature=zz&RelayState=r')).toBe(
      '/a?x=1&ACCESS%5Ftoken=[redacted]&SAMLResponse=[redacted]&Signature=[redacted]&RelayState=[redacted]',
    );
    expect(sanitizeUrl('/scim/v2/Users?filter=userName%20eq%20%22a%22')).toBe('/scim/v2/Users?filter=userName%20eq%20%22a%22');
    expect(sanitizeMessage('Cannot GET /x?token=s3cret&y=2 now')).toBe('Cannot GET /x?token=[redacted]&y=2 now');
  });

  it('redacts headers, credential fields, url fields and errors of any logger an app is given', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = withRedaction(pino({ level: 'info' }, sink));
    log.info({ headers: { authorization: 'Bearer SECRET-1', cookie: 'zuid=SECRET-2', 'x-request-id': 'kept-id' } }, 'headers');
    log.info({ res: { headers: { 'set-cookie': 'zuid=SECRET-3' } }, body: { password: 'SECRET-4', email: 'kept@example.com' } }, 'fields');
    log.info({ url: 'https://idp.example.com/metadata?token=SECRET-5&tenant=kept' }, 'url');
    log.error({ err: new Error('Cannot GET /self?access_token=SECRET-6') }, 'err');
    log.child({ reqId: 'r' }).info({ headers: { 'z-user': 'SECRET-7' } }, 'child');
    expect(out).not.toMatch(/SECRET/);
    expect(out).toContain('kept-id');
    expect(out).toContain('kept@example.com');
    expect(out).toContain('tenant=kept');
    // Seven secrets, the error one twice (message and stack).
    expect(out.match(/\[redacted\]/g)).toHaveLength(8);
  });
});

/** POSTs `payload` as `type` to the echo route. */
const postEcho = (app: NestFastifyApplication, payload: string, type = 'application/json') =>
  app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': type } });

describe('hostile and careless input, on a listening app', () => {
  let t: Awaited<ReturnType<typeof start>>;
  const inject = (opts: Parameters<NestFastifyApplication['inject']>[0]) => t.app.inject(opts as never);

  beforeAll(async () => {
    t = await start(base);
  });
  afterAll(async () => t?.app.close());

  it('refuses JSON nested deeper than the limit with 400 bad-request, for every JSON media type', async () => {
    for (const type of ['application/json', 'application/scim+json', 'application/json; charset=utf-8']) {
      const deep = await postEcho(t.app, `{"email":${nested(3000)}}`, type);
      expect(deep.statusCode, type).toBe(400);
      expect(deep.json(), type).toEqual({
        code: 400,
        label: 'bad-request',
        message: `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`,
      });
      const over = await postEcho(t.app, nested(MAX_JSON_DEPTH + 1), type);
      expect(over.statusCode, type).toBe(400);
      const at = await postEcho(t.app, nested(MAX_JSON_DEPTH), type);
      expect(at.statusCode, type).toBe(200);
    }
    expect(t.logs()).not.toMatch(/Maximum call stack|"level":50/);
  });

  it('still refuses malformed and prototype-poisoning JSON', async () => {
    const bad = await postEcho(t.app, '{"a":');
    expect(bad.json()).toMatchObject({ code: 400, label: 'bad-request' });
    const proto = await postEcho(t.app, '{"__proto__":{"x":1}}');
    expect(proto.statusCode).toBe(400);
  });

  it('refuses forms and plain text where the app takes none (415), so no HTML form can post to it', async () => {
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', 'email=a%40b.c&password=x'],
      ['text/plain', '{"email":"a@b.c","password":"x"}'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--\r\n'],
    ]) {
      const r = await postEcho(t.app, payload, type);
      expect(r.statusCode, type).toBe(415);
      expect(r.json(), type).toMatchObject({ code: 415, label: 'unsupported-media-type' });
    }
    // An empty HTML form still sends its content type.
    const empty = await postEcho(t.app, '', 'application/x-www-form-urlencoded');
    expect(empty.statusCode).toBe(415);
  });

  it('refuses access tokens in the query string, on any route, however the name is spelled', async () => {
    for (const url of [
      '/echo/q?access_token=abc',
      '/echo/q?x=1&ACCESS_TOKEN=abc',
      '/echo/q?access%5Ftoken=abc',
      '/v3/echo/q?access_token=',
      '/nowhere?access_token=a',
    ]) {
      const r = await inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toMatchObject({ code: 400, label: 'bad-request', message: expect.stringMatching(/Authorization header/) });
    }
    expect((await inject({ method: 'GET', url: '/echo/q?access=1&token_type=x' })).json()).toEqual({ access: '1', token_type: 'x' });
    // An unsupported version is answered first, once.
    const before = t.logs().length;
    const v17 = await inject({ method: 'GET', url: '/v17/echo/q?access_token=abc' });
    expect(v17.json()).toMatchObject({ code: 404, label: 'unsupported-version' });
    expect(t.logs().slice(before)).not.toMatch(/already sent|"level":(40|50)/);
  });

  it('writes no credential of a URL or a header into any log line', async () => {
    await inject({ method: 'GET', url: '/echo/q?access_token=SECRET-QUERY-TOKEN&keep=visible' });
    await inject({
      method: 'GET',
      url: '/nowhere?token=SECRET-OTHER-TOKEN',
      headers: { authorization: 'Bearer SECRET-HEADER', cookie: 'zuid=SECRET-COOKIE' },
    });
    await inject({ method: 'GET', url: '/echo/q?SAMLResponse=SECRET-SAML' });
    const logs = t.logs();
    expect(logs).toMatch(/access_token=\[redacted\]&keep=visible/);
    expect(logs).not.toMatch(/SECRET/);
  });

  it('answers a too long path segment with 414 in Wire shape', async () => {
    const r = await inject({ method: 'GET', url: `/echo/item/${'a'.repeat(600)}` });
    expect(r.statusCode).toBe(414);
    expect(r.json()).toEqual({ code: 414, label: 'client-error', message: 'A path segment is too long (at most 512 characters)' });
    expect((await inject({ method: 'GET', url: `/echo/item/${'a'.repeat(500)}` })).statusCode).toBe(200);
    const badUrl = await inject({ method: 'GET', url: '/echo/item/%zz' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ code: 400, label: 'bad-request' });
  });

  it('answers what Node cannot parse (headers too large, unknown method, garbage) in Wire shape', async () => {
    const cases: Array<[string, number, string]> = [
      [`GET /echo/q HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'client-error'],
      ['FOO /echo/q HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad-request'],
      ['GARBAGE\r\n\r\n', 400, 'bad-request'],
      ['GET /echo/q HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'bad-request'],
    ];
    for (const [request, status, label] of cases) {
      const r = split(await raw(t.port, request));
      expect(r.status, request.slice(0, 20)).toBe(status);
      expect(r.head).toMatch(/content-type: application\/json; charset=utf-8/);
      expect(r.head).toMatch(/x-content-type-options: nosniff/);
      expect(JSON.parse(r.body)).toMatchObject({ code: status, label, message: expect.any(String) });
    }
  });

  it('serves its OpenAPI document once: no error logged, a 200 in the metrics', async () => {
    const before = t.logs().length;
    const r = await inject({ method: 'GET', url: '/api-docs/token-admin/openapi.json' });
    expect(r.statusCode).toBe(200);
    expect(r.json().paths).toHaveProperty('/echo');
    await new Promise((res) => setTimeout(res, 50));
    const logs = t.logs().slice(before);
    expect(logs).not.toMatch(/HEADERS_SENT|already sent|"level":(40|50)/);
    const metrics = (await inject({ method: 'GET', url: '/i/metrics' })).body;
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",handler="\/api-docs\/token-admin\/openapi.json",status_code="200",app="token-admin"\} 1/,
    );
    expect(metrics).not.toMatch(/openapi.json",status_code="500"/);
  });

  it('sends nosniff everywhere, and framing, referrer and CSP headers with HTML', async () => {
    const json = await inject({ method: 'GET', url: '/echo/q' });
    expect(json.headers['x-content-type-options']).toBe('nosniff');
    expect(json.headers['content-security-policy']).toBeUndefined();
    const error = await inject({ method: 'GET', url: '/nowhere' });
    expect(error.headers['x-content-type-options']).toBe('nosniff');
    const html = await inject({ method: 'GET', url: '/echo/page' });
    expect(html.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    });
  });
});

describe('an app that takes forms', () => {
  it('parses urlencoded bodies, repeated fields included', async () => {
    const t = await start({ ...base, formBodies: true });
    try {
      const r = await postEcho(t.app, 'a=1&b=x%20y&a=2', 'application/x-www-form-urlencoded');
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ body: { a: ['1', '2'], b: 'x y' } });
    } finally {
      await t.app.close();
    }
  });
});
