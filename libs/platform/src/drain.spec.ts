import http from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { type AppSpec, Drain, createApp } from './bootstrap';

@Controller('hello')
class HelloController {
  @Get()
  hello() {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

const spec: AppSpec = { name: 'token-admin', title: 'test', description: 'drain test', imports: [HelloModule], port: (c) => c.ports.tokenAdmin };

/** A GET over a given agent, with the response's status, connection header and body. */
function get(base: string, path: string, agent: http.Agent): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });
}

describe('draining after SIGTERM (live Cassandra node)', () => {
  let app: NestFastifyApplication;
  let base: string;
  const drain = new Drain();

  beforeAll(async () => {
    app = await createApp(spec, loadConfig({ env: {} }), pino({ level: 'silent' }));
    drain.install(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => app?.close());

  it('answers /i/status 503 at once, keeps serving the rest with Connection: close, and closes idle keep-alive connections', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(base, '/i/status', agent)).status).toBe(200);
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    expect(idle).toBeDefined();
    const closed = new Promise<void>((resolve) => idle.once('close', () => resolve()));

    const t0 = Date.now();
    const over = drain.start(app, 1);
    await closed; // the idle connection is ended by the server, not cut later under a request
    const status = await get(base, '/i/status', agent);
    expect(status.status).toBe(503);
    expect(JSON.parse(status.body)).toMatchObject({ code: 503, label: 'service-unavailable' });
    const served = await get(base, '/hello', agent);
    expect(served).toMatchObject({ status: 200, connection: 'close' });
    expect(JSON.parse(served.body)).toEqual({ hello: 'world' });
    // A query string does not get a draining replica past the probe.
    expect((await get(base, '/i/status?probe=1', agent)).status).toBe(503);

    await over;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    agent.destroy();
  });
});
