import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppName, loadConfig, publicRoutes } from '@sso/config';
import { createApp } from '@sso/platform';
import { buildGateway, zHostOf } from './gateway';

/** An upstream that says who it is and what it got. */
function fakeApp(name: AppName): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          app: name,
          method: req.method,
          url: req.url,
          body,
          xff: req.headers['x-forwarded-for'] ?? null,
          zHost: req.headers['z-host'] ?? null,
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the development gateway', () => {
  const servers: http.Server[] = [];
  let gw: FastifyInstance;

  beforeAll(async () => {
    const ports: Record<string, number> = {};
    for (const [key, name] of [
      ['samlSp', 'saml-sp'],
      ['scimApi', 'scim-api'],
      ['tokenAdmin', 'token-admin'],
    ] as const) {
      const s = await fakeApp(name);
      servers.push(s);
      ports[`ports.${key}`] = (s.address() as AddressInfo).port;
    }
    gw = await buildGateway(loadConfig({ env: {}, overrides: ports }));
    await gw.ready();
  });
  afterAll(async () => {
    await gw?.close();
    for (const s of servers) s.close();
  });

  it('routes every public prefix of the table to its app, with and without /vN', async () => {
    for (const r of publicRoutes) {
      for (const url of [`${r.prefix}/x?q=1`, `/v5${r.prefix}`]) {
        const res = await gw.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.json(), url).toMatchObject({ app: r.app, url });
      }
    }
  });

  it("sets Z-Host to the request's host as nginz does, replacing any the client sent", async () => {
    for (const [host, zHost] of [
      ['wire.example.com', 'wire.example.com'],
      ['Wire.Example.COM:8080', 'wire.example.com'],
      ['localhost:8080', 'localhost'],
      ['wire.example.com.', 'wire.example.com'],
    ]) {
      const res = await gw.inject({ method: 'GET', url: '/sso/metadata', headers: { host, 'z-host': 'spoofed.example.com' } });
      expect(res.json(), host).toMatchObject({ app: 'saml-sp', zHost });
    }
    expect(zHostOf('[::1]:8080')).toBe('[::1]');
    expect(zHostOf(undefined)).toBeUndefined();
    expect(zHostOf(':8080')).toBeUndefined();
  });

  it('answers a path that is not valid percent-encoding in Wire shape, as the apps do', async () => {
    const res = await gw.inject({ method: 'GET', url: '/sso/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toBe('{"code":400,"label":"bad-request","message":"The path is not valid percent-encoding"}');
  });

  it('never routes internal or unknown paths', async () => {
    for (const url of ['/i/status', '/i/metrics', '/v1/i/status', '/', '/nowhere', '/scim/v1/Users']) {
      const res = await gw.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({ code: 404, label: 'no-endpoint', message: 'No endpoint at this path' });
    }
  });

  it('passes bodies through untouched, whatever their type, and sets X-Forwarded-For', async () => {
    for (const [type, payload] of [
      ['application/json', '{"email":"a@b.c"}'],
      ['application/scim+json', '{"schemas":[]}'],
      ['application/x-www-form-urlencoded', 'SAMLResponse=PHNhbWw%2B'],
      ['application/xml', '<EntityDescriptor/>'],
    ]) {
      const res = await gw.inject({ method: 'POST', url: '/sso/finalize-login', payload, headers: { 'content-type': type } });
      expect(res.json()).toMatchObject({ app: 'saml-sp', method: 'POST', body: payload, xff: '127.0.0.1' });
    }
  });

  it('passes queries with ../ through untouched (valid SCIM filters), as the ingress does', async () => {
    for (const url of [
      '/scim/v2/Users?filter=userName%20eq%20%22..%2Fx%22',
      '/scim/v2/Users?filter=userName eq "../x"',
      '/scim/v2/Users?filter=externalId%20eq%20%22..%5C..%2F..%2Fetc%22&count=1',
      '/v5/scim/v2/Users?q=..',
    ]) {
      const res = await gw.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json(), url).toMatchObject({ app: 'scim-api', url: url.replace(/ /g, '%20').replace(/"/g, '%22') });
    }
  });

  it('answers 502 bad-upstream when an app is down', async () => {
    const down = await buildGateway(loadConfig({ env: {}, overrides: { 'ports.scimApi': 1 } }));
    try {
      const res = await down.inject({ method: 'GET', url: '/scim/v2/Users' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({ code: 502, label: 'bad-upstream' });
    } finally {
      await down.close();
    }
  });
});

@Controller('login')
class LoginEcho {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Post(':id')
  @HttpCode(200)
  byId(@Param('id') id: string): unknown {
    return { id };
  }
}

@Module({ controllers: [LoginEcho] })
class LoginEchoModule {}

/** POSTs `size` bytes in chunks, with a Content-Length or chunked; resolves with the answer. */
function upload(port: number, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': size }) };
    const req = http.request({ host: '127.0.0.1', port, path: '/login', method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('the development gateway in front of a real app', () => {
  let app: NestFastifyApplication;
  let gw: FastifyInstance;
  let port: number;
  const bodyLimit = 64 * 1024;

  beforeAll(async () => {
    const config = loadConfig({ env: {}, overrides: { 'http.bodyLimit': bodyLimit } });
    app = await createApp(
      { name: 'token-admin', title: 't', description: 't', imports: [LoginEchoModule], port: (c) => c.ports.tokenAdmin },
      config,
      pino({ level: 'silent' }),
    );
    await app.listen(0, '127.0.0.1');
    const appPort = (app.getHttpServer().address() as AddressInfo).port;
    gw = await buildGateway(loadConfig({ env: {}, overrides: { 'ports.tokenAdmin': appPort } }));
    await gw.listen({ port: 0, host: '127.0.0.1' });
    port = (gw.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await gw?.close();
    await app?.close();
  });

  it("passes the app's 413 through for oversized bodies, never a 502 (EPIPE)", { timeout: 60_000 }, async () => {
    for (const size of [bodyLimit + 1, 300_000, 2_000_000, 8_000_000]) {
      for (let i = 0; i < 3; i++) {
        const r = await upload(port, size, false);
        expect(r.status, `${size} bytes, try ${i}`).toBe(413);
        expect(JSON.parse(r.body)).toEqual({ code: 413, label: 'payload-too-large', message: 'Request body is too large' });
      }
    }
    const ok = await upload(port, 0, false);
    expect(ok.status).toBe(400);
  });

  it("answers what Node cannot parse in Wire shape, and passes long paths on to the app's 414", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(`GET /login HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({
      code: 431,
      label: 'client-error',
      message: 'Request header fields too large',
    });
    const long = await gw.inject({ method: 'POST', url: `/login/${'a'.repeat(600)}`, payload: {} });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toMatchObject({ code: 414, label: 'client-error' });
    expect((await gw.inject({ method: 'POST', url: `/login/${'a'.repeat(500)}`, payload: {} })).json()).toEqual({ id: 'a'.repeat(500) });
  });

  it('passes chunked oversized bodies through as 413 as well', { timeout: 60_000 }, async () => {
    for (const size of [300_000, 4_000_000]) {
      const r = await upload(port, size, true);
      expect(r.status, `${size} bytes chunked`).toBe(413);
    }
  });
});
