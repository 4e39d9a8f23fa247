import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppName, loadConfig, publicRoutes } from '@sso/config';
import { buildGateway } from './gateway';

/** An upstream that says who it is and what it got. */
function fakeApp(name: AppName): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ app: name, method: req.method, url: req.url, body, xff: req.headers['x-forwarded-for'] ?? null }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the development gateway', () => {
  const servers: http.Server[] = [];
  let gw: FastifyInstance;

  beforeAll(async () => {
    const ports: Record<string, number> = {};
    for (const [key, name] of [['samlSp', 'saml-sp'], ['scimApi', 'scim-api'], ['tokenAdmin', 'token-admin']] as const) {
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
