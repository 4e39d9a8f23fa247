import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { DomainError } from '@sso/domain';
import { createApp } from './bootstrap';
import { testAppSpec } from './test-app-spec';

@Controller('echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Post('limit')
  limit(): never {
    throw new DomainError('token-limit-reached', 'Maximum number of SCIM tokens reached');
  }

  @Post('boom')
  boom(): never {
    throw new Error('secret internals');
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const spec = testAppSpec(EchoModule);

const silent = pino({ level: 'silent' });

describe('an app built by the platform (memory stores; bootstrap.cassandra.spec.ts: on Cassandra)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createApp(spec, loadConfig({ env: {}, overrides: { 'http.bodyLimit': 4096 } }), silent);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => app?.close());

  const inject = (opts: Parameters<NestFastifyApplication['inject']>[0]) => app.inject(opts as never);

  it('answers /i/status with 200 and an empty body when its stores answer', async () => {
    const r = await inject({ method: 'GET', url: '/i/status' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('');
  });

  it('exposes Prometheus metrics: requests by route pattern and status, process', async () => {
    await inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    const r = await inject({ method: 'GET', url: '/i/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/http_requests_total\{method="POST",handler="\/echo",status_code="200",app="token-admin"\} 1/);
    expect(r.body).toMatch(/http_request_duration_seconds_bucket\{le="[^"]+",app="token-admin",method="GET",handler="\/i\/status"/);
    expect(r.body).toMatch(/process_resident_memory_bytes/);
  });

  it("labels HTTP metrics as Wire's dashboards expect: handler = route template, N/A when unmatched, versions stripped", async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `/nowhere/${i}-${Date.now()}`);
    for (const url of ids) await inject({ method: 'GET', url });
    await inject({ method: 'POST', url: '/v7/echo', payload: {} });
    const body = (await inject({ method: 'GET', url: '/i/metrics' })).body;
    // Raw paths never become label values (bounded cardinality).
    for (const url of ids) expect(body).not.toContain(url);
    expect(body).toMatch(/http_request_duration_seconds_count\{app="token-admin",method="GET",handler="N\/A",status_code="404"\} [5-9]/);
    expect(body).not.toMatch(/handler="\/v7/);
    expect(body).toMatch(/http_request_duration_seconds_count\{app="token-admin",method="POST",handler="\/echo",status_code="200"\}/);
    expect(body).not.toMatch(/[{,]route="/);
  });

  it('echoes a given request id and makes one otherwise', async () => {
    const given = await inject({ method: 'GET', url: '/i/status', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const bogus = await inject({ method: 'GET', url: '/i/status', headers: { 'x-request-id': 'no spaces <allowed>' } });
    expect(bogus.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('marks every response uncacheable, as spar does', async () => {
    const r = await inject({ method: 'POST', url: '/echo', payload: {} });
    expect(r.headers['cache-control']).toBe('no-cache, no-store');
    expect(r.headers.pragma).toBe('no-cache');
  });

  it('renders domain errors in Wire style with their status', async () => {
    const r = await inject({ method: 'POST', url: '/echo/limit' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toEqual({ code: 403, label: 'token-limit-reached', message: 'Maximum number of SCIM tokens reached' });
  });

  it('hides internal errors behind a 500 server-error', async () => {
    const r = await inject({ method: 'POST', url: '/echo/boom' });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ code: 500, label: 'server-error', message: 'Internal server error' });
  });

  it('refuses bad input with 4xx, never 500', async () => {
    const big = await inject({ method: 'POST', url: '/echo', payload: { a: 'x'.repeat(5000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().label).toBe('payload-too-large');
    const malformed = await inject({ method: 'POST', url: '/echo', payload: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().label).toBe('bad-request');
    const media = await inject({ method: 'POST', url: '/echo', payload: 'a,b', headers: { 'content-type': 'text/csv' } });
    expect(media.statusCode).toBe(415);
    const unknown = await inject({ method: 'GET', url: '/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().label).toBe('no-endpoint');
  });

  it('parses the extra JSON media types it is given', async () => {
    const r = await inject({ method: 'POST', url: '/echo', payload: '{"x":2}', headers: { 'content-type': 'application/scim+json' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ x: 2 });
  });

  it('answers public routes under /vN and refuses unknown versions and versioned internal routes', async () => {
    expect((await inject({ method: 'POST', url: '/v7/echo', payload: { v: 7 } })).json()).toEqual({ v: 7 });
    const v17 = await inject({ method: 'POST', url: '/v17/echo', payload: {} });
    expect(v17.statusCode).toBe(404);
    expect(v17.json().label).toBe('unsupported-version');
    const internal = await inject({ method: 'GET', url: '/v2/i/status' });
    expect(internal.statusCode).toBe(404);
    expect(internal.json().label).toBe('unsupported-version');
  });

  it('serves its OpenAPI document', async () => {
    const r = await inject({ method: 'GET', url: '/api-docs/token-admin/openapi.json' });
    expect(r.statusCode).toBe(200);
    expect(r.json().info.title).toBe('test');
    expect(Object.keys(r.json().paths)).toContain('/echo');
    expect(Object.keys(r.json().paths)).not.toContain('/i/status');
  });
});
