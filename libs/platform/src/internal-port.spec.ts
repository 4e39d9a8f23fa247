import type http from 'node:http';
import net from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { createApp } from './bootstrap';
import { closeServer, isInternalPath, listenInternal } from './internal-port';
import { testAppSpec } from './test-app-spec';

@Controller()
class RoutesController {
  @Get('hello')
  hello(): unknown {
    return { hello: 'world' };
  }

  @Get('i/teams/:tid/members')
  members(): unknown {
    return { members: [] };
  }
}

@Module({ controllers: [RoutesController] })
class RoutesModule {}

const spec = testAppSpec(RoutesModule);

describe('internal routes over real sockets: only on the internal port', () => {
  let app: NestFastifyApplication;
  let internal: http.Server;
  let pub: string;
  let int: string;

  beforeAll(async () => {
    app = await createApp(spec, loadConfig({ env: {} }), pino({ level: 'silent' }));
    await app.listen(0, '127.0.0.1');
    pub = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    internal = await listenInternal(app.getHttpAdapter().getInstance(), 0, '127.0.0.1');
    int = `http://127.0.0.1:${(internal.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    if (internal) await closeServer(internal);
    await app?.close();
  });

  const get = (base: string, path: string, method = 'GET') => fetch(`${base}${path}`, { method });

  it('serves /i/status, /i/metrics and other /i/ routes on the internal port', async () => {
    expect((await get(int, '/i/status')).status).toBe(200);
    const metrics = await get(int, '/i/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_requests_total');
    expect(await (await get(int, `/i/teams/${crypto.randomUUID()}/members`)).json()).toEqual({ members: [] });
  });

  it('answers what Node cannot parse (431, an unknown method) in the API shape on the internal port too', async () => {
    const port = (internal.address() as { port: number }).port;
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        let out = '';
        const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
        socket.on('data', (d) => (out += d));
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
    for (const [request, status] of [
      [`GET /i/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['FOO /i/status HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ] as const) {
      const answer = await raw(request);
      expect(answer.split('\r\n', 1)[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: status, label: expect.any(String) });
    }
  });

  it('answers an internal route on the public port exactly as an unknown route (404 no-endpoint)', async () => {
    const unknown = await get(pub, '/nowhere');
    expect(unknown.status).toBe(404);
    const unknownBody = await unknown.json();
    expect(unknownBody).toMatchObject({ code: 404, label: 'no-endpoint' });
    for (const [method, path] of [
      ['GET', '/i/status'],
      ['GET', '/i/metrics'],
      ['GET', '/i/status?x=1'],
      ['HEAD', '/i/status'],
      ['POST', '/i/teams'],
      ['GET', `/i/teams/${crypto.randomUUID()}/members`],
      ['GET', '/%69/status'],
      ['GET', '/i/%73tatus'],
      ['GET', '/i'],
      ['GET', '/v2/i/status'],
    ]) {
      const r = await get(pub, path, method);
      expect(r.status, `${method} ${path}`).toBe(404);
      if (method === 'HEAD') continue;
      const body = await r.json();
      expect(Object.keys(body).sort(), path).toEqual(['code', 'label', 'message']);
      expect(body.code).toBe(404);
      expect(['no-endpoint', 'unsupported-version'], path).toContain(body.label);
      expect(JSON.stringify(body)).not.toMatch(/internal/i);
    }
  });

  it('serves nothing but /i/ on the internal port', async () => {
    expect((await get(pub, '/hello')).status).toBe(200);
    for (const path of ['/hello', '/api-docs/token-admin/openapi.json', '/', '/ix/status', '/v7/hello']) {
      const r = await get(int, path);
      expect(r.status, path).toBe(404);
      expect((await r.json()).code).toBe(404);
    }
  });

  it('in-process requests (app.inject) reach both kinds of route', async () => {
    expect((await app.inject({ method: 'GET', url: '/i/status' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/hello' })).statusCode).toBe(200);
  });
});

describe('isInternalPath', () => {
  it.each([
    ['/i', true],
    ['/i/', true],
    ['/i/status', true],
    ['/i?x', true],
    ['/ix', false],
    ['/', false],
    ['/sso/i/status', false],
    ['/v3/i/status', false],
  ])('%s -> %s', (path, want) => expect(isInternalPath(path)).toBe(want));
});
