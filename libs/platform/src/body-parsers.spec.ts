import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBodyParsers, refuseLargeBodies } from './body-parsers';

/** Opens a connection, sends `head` and `body`, and reports the answer and how the connection ended. */
function session(port: number, head: string, body: string, afterMs: number) {
  return new Promise<{ answer: string; closedAfterMs: number | null; writeFailed: boolean }>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let answer = '';
    let writeFailed = false;
    const t0 = Date.now();
    let closedAfterMs: number | null = null;
    s.on('data', (d) => (answer += d.toString()));
    s.on('error', () => (writeFailed = true));
    s.on('close', () => (closedAfterMs = Date.now() - t0));
    s.write(head + body);
    setTimeout(() => {
      s.write('more of the body', () => undefined);
      setTimeout(() => {
        resolve({ answer, closedAfterMs, writeFailed });
        s.destroy();
      }, afterMs);
    }, 100);
  });
}

describe('refuseLargeBodies', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify({ bodyLimit: 100 });
    refuseLargeBodies(app, 100, 400);
    app.post('/', async (req) => ({ got: req.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => app.close());

  const head = (length: number) => `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('answers a declared oversized body with 413 at once, keeps reading what follows, and closes after the linger time', async () => {
    const r = await session(port, head(1_000_000), 'x'.repeat(50), 1000);
    expect(r.answer).toMatch(/^HTTP\/1.1 413 /);
    expect(r.answer.toLowerCase()).not.toContain('connection: close');
    expect(r.writeFailed).toBe(false);
    // Closed by the server once the linger time (400 ms here) ran out, the body being unfinished.
    expect(r.closedAfterMs).not.toBeNull();
    expect(r.closedAfterMs!).toBeGreaterThanOrEqual(400);
  });

  it('keeps the connection for the next request once the refused body has arrived', async () => {
    const s = net.connect(port, '127.0.0.1');
    let answer = '';
    s.on('data', (d) => (answer += d.toString()));
    const body = 'y'.repeat(150);
    s.write(head(body.length) + body);
    await new Promise((r) => setTimeout(r, 200));
    s.write(`${head(7)}{"a":1}`);
    await new Promise((r) => setTimeout(r, 200));
    s.destroy();
    expect(answer.match(/HTTP\/1.1 \d+/g)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
  });

  it('lets bodies within the limit through', async () => {
    const r = await app.inject({ method: 'POST', url: '/', payload: { a: 1 } });
    expect(r.json()).toEqual({ got: { a: 1 } });
  });
});

describe('registerBodyParsers', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    registerBodyParsers(app, { jsonContentTypes: ['application/scim+json'] });
    app.delete('/x', async (req) => ({ body: req.body ?? 'none' }));
    app.post('/x', async (req) => ({ body: req.body ?? 'none' }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('takes a DELETE with a JSON content type and no body as bodiless (SAP sends one)', async () => {
    for (const type of ['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8']) {
      for (const headers of [{ 'content-type': type, 'content-length': '0' }, { 'content-type': type }]) {
        const r = await app.inject({ method: 'DELETE', url: '/x', headers });
        expect(r.statusCode, type).toBe(200);
        expect(r.json()).toEqual({ body: 'none' });
      }
    }
    const withBody = await app.inject({ method: 'DELETE', url: '/x', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
    expect(withBody.json()).toEqual({ body: { a: 1 } });
    expect(
      (await app.inject({ method: 'DELETE', url: '/x', headers: { 'content-type': 'application/json' }, payload: '{' })).statusCode,
    ).toBe(400);
  });

  it('still refuses an empty JSON body where a body is expected', async () => {
    const r = await app.inject({ method: 'POST', url: '/x', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(r.statusCode).toBe(400);
  });
});
