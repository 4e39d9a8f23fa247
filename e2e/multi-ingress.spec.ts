import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdp, b64 } from '@sso/testing';
import { SamlHarness, titleOf } from '../apps/saml-sp/test/harness';
import { buildGateway } from '../tools/dev/gateway';

const A = 'wire.a.test';
const B = 'wire.b.test';

/** A request to the gateway as a browser on `host` sends it (fetch cannot set Host). */
function request(port: number, host: string, method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Multi-ingress through the development gateway, which sets Z-Host from the Host header as nginz
 * and the chart's Ingress do: two public hosts, two SPs, one saml-sp.
 */
describe('multi-ingress through the gateway', () => {
  const h = new SamlHarness({
    'saml.spDomainConfigs': {
      [A]: { spSsoUri: `https://${A}/sso`, spAppUri: `https://${A}/` },
      [B]: { spSsoUri: `https://${B}/sso`, spAppUri: `https://${B}/` },
    },
  });
  let gateway: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    await h.start({ listen: true });
    gateway = await buildGateway({ ...h.config, ports: { ...h.config.ports, samlSp: Number(new URL(h.t.url!).port) } });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    port = (gateway.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await gateway?.close();
    await h.stop();
  });

  it("serves each host's SP metadata by the Host the client used, whatever Z-Host it sends", async () => {
    const { team } = await h.newTeam();
    const a = await request(port, `${A}:443`, 'GET', `/sso/metadata/${team}`, { headers: { 'z-host': B } });
    expect(a.status, a.body).toBe(200);
    expect(a.body).toContain(`entityID="https://${A}/sso/finalize-login/${team}"`);
    const b = await request(port, B.toUpperCase(), 'GET', `/v8/sso/metadata/${team}`);
    expect(b.body).toContain(`entityID="https://${B}/sso/finalize-login/${team}"`);
    const other = await request(port, 'localhost:8080', 'GET', `/sso/metadata/${team}`, { headers: { 'z-host': A } });
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toEqual({ code: 404, label: 'not-found', message: 'Could not find SP.' });
  });

  it('logs in on the host the login started on, and denies the same response on the other host', async () => {
    const { team, token } = await h.newTeam();
    const x = await TestIdp.create();
    const created = await request(port, A, 'POST', '/v8/identity-providers', {
      body: x.metadata(),
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
    });
    expect(created.status, created.body).toBe(201);
    const { id, extraInfo } = JSON.parse(created.body) as { id: string; extraInfo: { domain: string | null } };
    expect(extraInfo.domain).toBe(A);

    const start = async () => {
      const form = await request(port, A, 'GET', `/sso/initiate-login/${id}`);
      expect(form.status, form.body).toBe(200);
      const req = Buffer.from(/name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(form.body)![1]!, 'base64').toString('utf8');
      return /ID="([^"]+)"/.exec(req)![1]!;
    };
    const post = (host: string, requestId: string, nameId: string) =>
      request(port, host, 'POST', `/sso/finalize-login/${team}`, {
        body: `SAMLResponse=${encodeURIComponent(b64(x.response({ sp: `https://${A}/sso/finalize-login/${team}`, requestId, nameId }).xml))}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

    const denied = await post(B, await start(), 'eve@example.com');
    expect(titleOf(denied.body)).toBe('wire:sso:error:forbidden');
    expect(denied.headers['set-cookie']).toBeUndefined();
    const granted = await post(A, await start(), 'eve@example.com');
    expect(titleOf(granted.body), granted.body).toBe('wire:sso:success');
    expect(granted.headers['set-cookie']).toBeDefined();
  });
});
