import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { buildGateway, upstreamsFromEnv } from './gateway';

/** A replica that says which one it is and echoes the body it got; `ready` is what its /i/status says. */
function replica(name: string, ready = () => true): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url === '/i/status') {
      res.statusCode = ready() ? 200 : 503;
      return void res.end();
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ replica: name, method: req.method, body }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe('the development gateway with several replicas per app', () => {
  const servers: http.Server[] = [];
  let gw: FastifyInstance;
  let other: string;
  let dead: string;

  beforeAll(async () => {
    for (const n of ['a', 'b', 'other']) servers.push(await replica(n));
    other = url(servers[2]);
    dead = `http://127.0.0.1:${await closedPort()}`;
    gw = await buildGateway(loadConfig({ env: {} }), {
      'scim-api': [url(servers[0]), url(servers[1])],
      'token-admin': [dead, url(servers[0])],
      'saml-sp': [dead, dead],
    });
    await gw.ready();
  });
  afterAll(async () => {
    await gw?.close();
    for (const s of servers) s.close();
  });

  it('spreads requests round robin over the replicas', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await gw.inject({ method: 'GET', url: '/scim/v2/Users' });
      expect(r.statusCode).toBe(200);
      seen.push(r.json().replica);
    }
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
  });

  it('sends a request refused at connect to the next replica, body included (a POST is safe: nothing was sent)', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await gw.inject({ method: 'POST', url: '/login', payload: { n: i }, headers: { 'content-type': 'application/json' } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ replica: 'a', method: 'POST', body: JSON.stringify({ n: i }) });
    }
  });

  it('answers 502 in the Wire shape when every replica refuses', async () => {
    const r = await gw.inject({ method: 'GET', url: '/sso/metadata' });
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({ code: 502, label: 'bad-upstream' });
  });

  it('sends nothing to a replica whose readiness probe fails (draining), and takes it back when it passes', async () => {
    let sickReady = false;
    const sick = await replica('sick', () => sickReady);
    servers.push(sick);
    const gw2 = await buildGateway(loadConfig({ env: {} }), {
      'scim-api': [url(sick), url(servers[0])],
      'token-admin': [other],
      'saml-sp': [other],
    });
    try {
      await gw2.ready();
      await new Promise((r) => setTimeout(r, 1200)); // two probe rounds
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await gw2.inject({ method: 'GET', url: '/scim/v2/Users' })).json().replica);
      expect([...seen]).toEqual(['a']);
      sickReady = true;
      await new Promise((r) => setTimeout(r, 1200));
      for (let i = 0; i < 6; i++) seen.add((await gw2.inject({ method: 'GET', url: '/scim/v2/Users' })).json().replica);
      expect([...seen].sort()).toEqual(['a', 'sick']);
    } finally {
      await gw2.close();
    }
  });

  it('reads the replicas from GATEWAY_UPSTREAMS; apps it leaves out keep their configured port', () => {
    const config = loadConfig({ env: {}, overrides: { 'ports.samlSp': 9101 } });
    const u = upstreamsFromEnv(config, { GATEWAY_UPSTREAMS: JSON.stringify({ 'scim-api': [other, dead] }) });
    expect(u['scim-api']).toEqual([other, dead]);
    expect(u['saml-sp']).toEqual(['http://127.0.0.1:9101']);
  });
});
