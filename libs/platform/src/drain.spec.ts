import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { Drain, createApp } from './bootstrap';
import { closeServer, listenInternal } from './internal-port';
import { testAppSpec } from './test-app-spec';

@Controller('hello')
class HelloController {
  @Get()
  hello() {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

const spec = testAppSpec(HelloModule);

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

describe('draining after SIGTERM', () => {
  let app: NestFastifyApplication;
  let internal: http.Server;
  let base: string;
  let internalBase: string;
  const drain = new Drain();

  beforeAll(async () => {
    app = await createApp(spec, loadConfig({ env: {} }), pino({ level: 'silent' }));
    drain.install(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    internal = await listenInternal(app.getHttpAdapter().getInstance(), 0, '127.0.0.1');
    internalBase = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (internal) await closeServer(internal);
    await app?.close();
  });

  it('answers /i/status 503 at once, keeps serving the rest with Connection: close, and closes idle keep-alive connections on both ports', async () => {
    const probes = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const clients = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(internalBase, '/i/status', probes)).status).toBe(200);
    expect((await get(base, '/hello', clients)).status).toBe(200);
    const idle = [probes, clients].map((a) => Object.values(a.freeSockets).flat()[0]!);
    expect(idle.every(Boolean)).toBe(true);
    const closed = Promise.all(idle.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()))));

    const t0 = performance.now();
    const over = drain.start(app, 1, internal);
    await closed; // the idle connections are ended by the server, not cut later under a request
    const status = await get(internalBase, '/i/status', probes);
    expect(status.status).toBe(503);
    expect(JSON.parse(status.body)).toMatchObject({ code: 503, label: 'service-unavailable' });
    const served = await get(base, '/hello', clients);
    expect(served).toMatchObject({ status: 200, connection: 'close' });
    expect(JSON.parse(served.body)).toEqual({ hello: 'world' });
    // A query string does not get a draining replica past the probe.
    expect((await get(internalBase, '/i/status?probe=1', probes)).status).toBe(503);

    await over;
    // The drain lasts its second; Node's timers count whole milliseconds of loop time, so the
    // measured time may fall short of it by a fraction of one.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(998);
    probes.destroy();
    clients.destroy();
  });
});
