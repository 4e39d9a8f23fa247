import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { API_DOCS_CSP, startScript } from './api-docs';
import { createApp } from './bootstrap';
import { testAppSpec } from './test-app-spec';

@Module({})
class Empty {}

describe('the API reference (/api-docs)', () => {
  let tokenAdmin: NestFastifyApplication;
  let samlSp: NestFastifyApplication;

  beforeAll(async () => {
    const silent = pino({ level: 'silent' });
    tokenAdmin = await createApp(testAppSpec(Empty), loadConfig({ env: {} }), silent);
    samlSp = await createApp({ ...testAppSpec(Empty), name: 'saml-sp' }, loadConfig({ env: {} }), silent);
    for (const a of [tokenAdmin, samlSp]) {
      await a.init();
      await a.getHttpAdapter().getInstance().ready();
    }
  });
  afterAll(async () => {
    await tokenAdmin?.close();
    await samlSp?.close();
  });

  const get = (app: NestFastifyApplication, url: string) => app.inject({ method: 'GET', url });

  it('serves swagger-ui for the app, its files from the app itself, under a CSP that allows only them', async () => {
    const r = await get(samlSp, '/api-docs/saml-sp');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(API_DOCS_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    const sources = [...r.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(4);
    // Nothing from another origin: every script, stylesheet and link is a path on this one.
    for (const s of sources) expect(s, s).toMatch(/^\/api-docs(\/|$)/);
    expect(r.body).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script: the CSP would refuse it
    expect(r.body).toContain('<script src="/api-docs/saml-sp/assets/swagger-ui-bundle.js"></script>');
  });

  it('the CSP allows scripts and styles only from this origin, connections only to it, and no framing', () => {
    const d = Object.fromEntries(API_DOCS_CSP.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1)]));
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['style-src']).toEqual(["'self'", expect.stringMatching(/^'sha256-[A-Za-z0-9+/]+=*'$/)]);
    expect(API_DOCS_CSP).not.toMatch(/https?:|\*|unsafe/);
  });

  it.each([
    ['swagger-ui-bundle.js', /^application\/javascript/, 1_000_000],
    ['swagger-ui-standalone-preset.js', /^application\/javascript/, 100_000],
    ['swagger-ui.css', /^text\/css/, 100_000],
    ['favicon-32x32.png', /^image\/png/, 100],
  ])('serves %s from swagger-ui-dist', async (file, type, minBytes) => {
    const r = await get(samlSp, `/api-docs/saml-sp/assets/${file}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(type);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.rawPayload.length).toBeGreaterThan(minBytes);
  });

  it('serves nothing else of the package, and no path tricks reach the disk', async () => {
    for (const url of [
      '/api-docs/saml-sp/assets/index.html',
      '/api-docs/saml-sp/assets/package.json',
      '/api-docs/saml-sp/assets/swagger-initializer.js',
      '/api-docs/saml-sp/assets/..%2Fpackage.json',
      '/api-docs/saml-sp/assets/../../../etc/passwd',
      '/api-docs/saml-sp/assets/',
      '/api-docs/token-admin/assets/swagger-ui.css', // another app's prefix
    ]) {
      expect((await get(samlSp, url)).statusCode, url).toBe(404);
    }
  });

  it('starts swagger-ui on the three documents, its own first, without the swagger.io validator', async () => {
    const r = await get(samlSp, '/api-docs/saml-sp/assets/start.js');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/javascript/);
    expect(r.body).toBe(startScript('saml-sp'));
    const config = JSON.parse(/var config = (.*);\n/.exec(r.body)![1]);
    expect(config.urls).toEqual([
      { name: 'saml-sp', url: '/api-docs/saml-sp/openapi.json' },
      { name: 'scim-api', url: '/api-docs/scim-api/openapi.json' },
      { name: 'token-admin', url: '/api-docs/token-admin/openapi.json' },
    ]);
    expect(config['urls.primaryName']).toBe('saml-sp');
    expect(config.validatorUrl).toBeNull();
  });

  it('the index /api-docs is served by the app the route table gives it (token-admin), as a page', async () => {
    const r = await get(tokenAdmin, '/api-docs');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'none'");
    for (const app of ['saml-sp', 'scim-api', 'token-admin']) {
      expect(r.body).toContain(`<a href="/api-docs/${app}"><strong>${app}</strong></a>`);
      expect(r.body).toContain(`<a href="/api-docs/${app}/openapi.json">OpenAPI document</a>`);
    }
    expect((await get(samlSp, '/api-docs')).statusCode).toBe(404);
  });
});
