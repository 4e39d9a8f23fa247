import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type AppName, appNames, routeFor } from '@sso/config';
import { type PageSpec, html, sendPage } from './page';

/**
 * The browsable API reference (docs/decisions.md, 2026-12-04): swagger-ui from `swagger-ui-dist`,
 * the package @nestjs/swagger already brings, served by each app from memory under its own
 * prefix, so it works wherever the app's OpenAPI document does (gateway, Ingress, the app alone)
 * and loads nothing from elsewhere:
 *
 * - `/api-docs/<app>`: swagger-ui over the three apps' documents (a selector at the top; the
 *   app's own document first). Through the gateway or the Ingress all three share the origin.
 * - `/api-docs/<app>/assets/<file>`: swagger-ui's script, preset and stylesheet, and the small
 *   start script; nothing else of the package is reachable.
 * - `/api-docs` (the app the route table gives it, token-admin): an index page of the three.
 */

const DESCRIPTIONS: Record<AppName, string> = {
  'saml-sp': 'SAML single sign-on: SP metadata, login, identity providers, the enterprise-login page',
  'scim-api': 'SCIM 2.0 provisioning: Users, Groups, discovery',
  'token-admin': 'Password login, access tokens, SCIM tokens, teams, team settings',
};

const docUrl = (app: AppName) => `/api-docs/${app}/openapi.json`;
const uiUrl = (app: AppName) => `/api-docs/${app}`;
const assetsOf = (app: AppName) => `/api-docs/${app}/assets`;

/** The swagger-ui files served, by the name in the URL; each is read once, on first request. */
const DIST_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** swagger-ui-dist's folder, found from @nestjs/swagger (whose dependency it is), wherever npm put it. */
function distDir(): string {
  const req = createRequire(__filename);
  const from = path.dirname(req.resolve('@nestjs/swagger/package.json'));
  return path.dirname(req.resolve('swagger-ui-dist/package.json', { paths: [from] }));
}

const cache = new Map<string, Buffer>();
function distFile(name: string): Buffer {
  let data = cache.get(name);
  if (!data) {
    data = fs.readFileSync(path.join(distDir(), name));
    cache.set(name, data);
  }
  return data;
}

/** The start script: which documents to offer, this app's first; no validator badge (it calls out to swagger.io). */
export function startScript(app: AppName): string {
  const config = {
    urls: [app, ...appNames.filter((a) => a !== app)].map((a) => ({ name: a, url: docUrl(a) })),
    'urls.primaryName': app,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    layout: 'StandaloneLayout',
  };
  return `'use strict';
window.addEventListener('load', function () {
  var config = ${JSON.stringify(config)};
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
  window.ui = SwaggerUIBundle(config);
});
`;
}

/**
 * The reference page's policy: its scripts and stylesheet from this app only, plus the one style
 * element swagger-ui writes from script (allowed by its hash, no 'unsafe-inline'), the documents
 * and "Try it out" requests to this origin only, no framing. The browser test
 * (e2e/browser-pages.spec.ts) fails on any CSP refusal, so an upgrade of swagger-ui-dist that
 * changes that style shows up there.
 */
/** The style element swagger-ui adds from script. */
const SWAGGER_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

export const API_DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${SWAGGER_STYLE_HASH}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function referencePage(app: AppName): string {
  const assets = assetsOf(app);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>API reference: ${app}</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<noscript><p>The reference needs JavaScript. The OpenAPI document itself: <a href="${docUrl(app)}">${docUrl(app)}</a>; all APIs: <a href="/api-docs">/api-docs</a>.</p></noscript>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/swagger-ui-standalone-preset.js"></script>
<script src="${assets}/start.js"></script>
</body>
</html>
`.value;
}

/** `/api-docs`: the three references, with their documents. */
export function indexPage(): PageSpec {
  const rows = appNames.map(
    (a) =>
      html`  <li><a href="${uiUrl(a)}"><strong>${a}</strong></a>: ${DESCRIPTIONS[a]} (<a href="${docUrl(a)}">OpenAPI document</a>)</li>\n`,
  );
  return {
    title: 'API reference',
    main: html`<p>The HTTP APIs of this service, browsable and described by their OpenAPI documents.</p>
<ul>
${rows}</ul>
<p class="muted">"Try it out" sends real requests to this server: with a bearer token, they act on your team.</p>`,
  };
}

function sendAsset(reply: FastifyReply, type: string, body: string | Buffer): FastifyReply {
  return reply.header('content-type', type).send(body);
}

/** Registers the reference routes of `app` (and the index, where the route table sends `/api-docs`). */
export function serveApiReference(fastify: FastifyInstance, app: AppName): void {
  const assets = assetsOf(app);
  const start = startScript(app);
  const page = referencePage(app);
  fastify.get(uiUrl(app), (_req, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', API_DOCS_CSP).send(page),
  );
  fastify.get(`${assets}/start.js`, (_req, reply) => sendAsset(reply, 'application/javascript; charset=utf-8', start));
  for (const [name, type] of Object.entries(DIST_FILES)) {
    fastify.get(`${assets}/${name}`, (_req, reply) => sendAsset(reply, type, distFile(name)));
  }
  if (routeFor('/api-docs') === app) {
    fastify.get('/api-docs', (_req, reply) => sendPage(reply, indexPage()));
  }
}
