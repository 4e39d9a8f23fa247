import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { generateKeyEntry } from '@sso/auth';
import type { Config } from '@sso/config';
import { systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores } from '@sso/persistence';
import { freePort, testConfig } from '@sso/testing';
// Not through @sso/testing's index: only the browser tests should load playwright.
import { type TestBrowser, launchBrowser } from '../libs/testing/src/browser';
import { TeamsHandler } from '../apps/token-admin/src/teams/teams.handler';
import { Pysaml2Idp } from '../apps/saml-sp/test/pysaml2-idp';
import { type GatewayStack, startGatewayStack } from './gateway-stack';

const root = path.resolve(__dirname, '..');

/** `SCREENSHOTS=1` (npm run screenshots): the browser tests also write docs/screenshots/<name>.png. */
export const SCREENSHOTS = process.env.SCREENSHOTS === '1';

/**
 * What the browser tests run against: the three apps behind the dev gateway on one origin (as the
 * Ingress serves them), the SP's public URL being that origin, the pysaml2 IdP (trusted for
 * metadata fetches), Debian's Chromium, and a team whose owner signs in with a password.
 */
export interface BrowserStack {
  backend: string;
  config: Config;
  idp: Pysaml2Idp;
  browser: TestBrowser;
  db: CassandraDb;
  team: string;
  admin: { email: string; password: string };
  close(): Promise<void>;
}

export async function startBrowserStack(): Promise<BrowserStack> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-e2e-'));
  const cleanups: Array<() => Promise<void>> = [async () => fs.rmSync(work, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const idp = await Pysaml2Idp.start();
    cleanups.push(() => idp.stop());
    const keysFile = path.join(work, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([generateKeyEntry('browser-e2e')]));
    const port = await freePort();
    const backend = `http://127.0.0.1:${port}`;
    const config = testConfig({
      'auth.keysFile': keysFile,
      'saml.spSsoUri': `${backend}/sso`,
      'saml.spAppUri': `${backend}/`,
      'saml.metadataAllowLoopback': true,
      'saml.metadataCaFile': idp.caFile,
    });
    const stack: GatewayStack = await startGatewayStack(config, port);
    cleanups.push(() => stack.close());
    const db = new CassandraDb(config.cassandra);
    await db.connect();
    cleanups.push(() => db.shutdown());
    const admin = { email: `admin-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'browser e2e password' };
    const { team } = await new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock).createTeam({
      name: 'Acme Browser Test',
      owner: { email: admin.email, password: admin.password, name: 'Alex Admin' },
    });
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    return { backend: stack.backend, config, idp, browser, db, team, admin, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Collects what the browser reports against a page: CSP refusals and other console errors, and
 * every request that left for an origin other than the gateway's or the IdP's.
 */
export function watch(context: BrowserContext, allowedOrigins: string[]): { problems: string[] } {
  const problems: string[] = [];
  context.on('page', (p) => watchPage(p, problems));
  context.on('request', (r) => {
    const url = r.url();
    if (url.startsWith('data:') || url.startsWith('about:')) return;
    if (!allowedOrigins.some((o) => url === o || url.startsWith(`${o}/`))) problems.push(`request to another origin: ${url}`);
  });
  return { problems };
}

function watchPage(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
}

/** Saves the page as docs/screenshots/<name>.png when SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (!SCREENSHOTS) return;
  const dir = path.join(root, 'docs/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: opts.fullPage ?? false });
}

/** An access token of the team owner, for API calls the test makes beside the browser. */
export async function ownerBearer(s: BrowserStack): Promise<string> {
  const r = await fetch(`${s.backend}/login?persist=false`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: s.admin.email, password: s.admin.password }),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}
