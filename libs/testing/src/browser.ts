import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

const run = promisify(execFile);

/** Debian's Chromium: the browser the browser tests drive (playwright's own downloads are never used). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The flags every test browser starts with. This machine (and CI) has no outside network: without
 * the background-networking, component-update, sync and QUIC switches Chromium keeps dialling
 * Google's services and floods the log with refused connections. `--no-sandbox` because CI runs
 * as root, where Chromium's sandbox refuses to start.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function chromiumWorks(): Promise<boolean> {
  try {
    await run(CHROMIUM, ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs Debian's `chromium` package when it is missing (idempotent: a present browser is left
 * alone). Needs root, as CI runs; anywhere else it fails with the command to run. apt's lock is
 * waited for, so two runs installing at once do not fail each other.
 */
export async function ensureChromium(): Promise<void> {
  if (await chromiumWorks()) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing (${CHROMIUM}) and this run is not root: install it with 'sudo apt-get install -y chromium'`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { env, timeout: 900_000 });
  const install = () => apt(['install', '-y', '--no-install-recommends', 'chromium']);
  try {
    await install().catch(async () => {
      await apt(['update']);
      await install();
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`could not install Debian's chromium with apt-get (needed by the browser tests): ${err.stderr || err.message}`);
  }
  if (!(await chromiumWorks())) throw new Error(`apt-get installed chromium, but ${CHROMIUM} --version does not run`);
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (its own cookies); self-signed TLS (the test IdP) is accepted. */
  newContext(opts?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core, installing it first when it is missing.
 * Each launch gets a fresh profile: playwright itself passes a new temporary `--user-data-dir`
 * and removes it on close (it refuses the flag from the caller, pointing at persistent contexts).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  await ensureChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
  return {
    browser,
    newContext: (opts = {}) => browser.newContext({ ignoreHTTPSErrors: true, viewport: opts.viewport ?? { width: 1100, height: 800 } }),
    close: () => browser.close(),
  };
}
