#!/usr/bin/env node
// Mailpit, the SMTP catcher of development and tests: SMTP on loopback, and a web inbox with a JSON
// API (GET /api/v1/messages, GET /api/v1/message/<id>) that the tests read mail through. Built from
// the Go module proxy (`go install github.com/axllent/mailpit@<version>`), as helm is, with the
// binary and every Go cache under .cache/.
//
//   node tools/mailpit/mailpit.mjs ensure           prints the path of mailpit, building it if needed
//   node tools/mailpit/mailpit.mjs start            reuses or starts one; prints {smtpHost, smtpPort, apiUrl, started}
//   node tools/mailpit/mailpit.mjs start --free-ports   a new one on free ports unless MAILPIT_URL names one (tests)
//   node tools/mailpit/mailpit.mjs stop|status
//
// Ports: MAILPIT_SMTP_PORT (1025) and MAILPIT_HTTP_PORT (8025). MAILPIT_URL (the web/API base) with
// MAILPIT_SMTP_PORT names a Mailpit that runs elsewhere: it is used and nothing is started.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cacheDir, freePort, pidAlive, readPid, spawnDetached, stopPid, tail, waitFor, withLock } from '../lib/proc.mjs';

export const MAILPIT_VERSION = 'v1.33.1';
const home = path.join(cacheDir, 'mailpit');
const binDir = path.join(home, 'bin');
const mailpitBin = path.join(binDir, 'mailpit');
const goDir = path.join(cacheDir, 'go');

function log(msg) {
  process.stderr.write(`[mailpit] ${msg}\n`);
}

function installedVersion(bin) {
  const r = spawnSync(bin, ['version', '--no-release-check'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /\bv?(\d+\.\d+\.\d+)\b/.exec(r.stdout)?.[0];
}

/** The path of a mailpit binary of MAILPIT_VERSION: $MAILPIT_BIN if set, else the cached build, else a fresh one. */
export function ensureMailpit() {
  if (process.env.MAILPIT_BIN) return process.env.MAILPIT_BIN;
  const want = MAILPIT_VERSION.replace(/^v/, '');
  if (installedVersion(mailpitBin)?.replace(/^v/, '') === want) return mailpitBin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error(`mailpit ${MAILPIT_VERSION} is not in ${binDir} and Go is not available to build it`);
  fs.mkdirSync(home, { recursive: true });
  // A scratch GOBIN, moved in when done: a concurrent or interrupted build never leaves half a binary.
  const tmp = fs.mkdtempSync(path.join(home, 'build-'));
  try {
    log(`building mailpit ${MAILPIT_VERSION} with ${go.stdout.trim()} (first run only)...`);
    const r = spawnSync(
      'go',
      [
        'install',
        '-ldflags',
        `-s -w -X github.com/axllent/mailpit/config.Version=${MAILPIT_VERSION}`,
        `github.com/axllent/mailpit@${MAILPIT_VERSION}`,
      ],
      {
        env: {
          ...process.env,
          GOBIN: tmp,
          GOPATH: goDir,
          GOMODCACHE: path.join(goDir, 'pkg', 'mod'),
          GOCACHE: path.join(goDir, 'build'),
          CGO_ENABLED: '0',
          GOFLAGS: '-buildvcs=false -modcacherw',
        },
        stdio: ['ignore', 2, 2],
        cwd: tmp,
      },
    );
    if (r.status !== 0) throw new Error(`go install github.com/axllent/mailpit@${MAILPIT_VERSION} failed (exit ${r.status})`);
    fs.mkdirSync(binDir, { recursive: true });
    fs.renameSync(path.join(tmp, 'mailpit'), mailpitBin);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return mailpitBin;
}

/** Whether a Mailpit API answers at `apiUrl`. */
export async function ping(apiUrl, timeoutMs = 1000) {
  try {
    const r = await fetch(`${apiUrl}/api/v1/info`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!r.ok) return false;
    const info = await r.json();
    return typeof info.Version === 'string';
  } catch {
    return false;
  }
}

const pidFileOf = (httpPort) => path.join(home, `mailpit-${httpPort}.pid`);

/**
 * Makes sure a Mailpit answers and says where. `freePorts`: a new one on free ports (tests), unless
 * MAILPIT_URL names one; otherwise one already answering on the configured ports is reused.
 */
export async function start({ freePorts = false } = {}) {
  if (process.env.MAILPIT_URL) {
    const apiUrl = process.env.MAILPIT_URL.replace(/\/$/, '');
    if (!(await ping(apiUrl, 3000))) throw new Error(`MAILPIT_URL=${apiUrl} does not answer as Mailpit`);
    log(`MAILPIT_URL=${apiUrl}: using it, starting nothing`);
    return {
      smtpHost: process.env.MAILPIT_SMTP_HOST ?? new URL(apiUrl).hostname,
      smtpPort: Number(process.env.MAILPIT_SMTP_PORT ?? 1025),
      apiUrl,
      started: false,
    };
  }
  const bin = ensureMailpit();
  return withLock('mailpit', async () => {
    const smtpPort = freePorts ? await freePort() : Number(process.env.MAILPIT_SMTP_PORT ?? 1025);
    const httpPort = freePorts ? await freePort() : Number(process.env.MAILPIT_HTTP_PORT ?? 8025);
    const apiUrl = `http://127.0.0.1:${httpPort}`;
    if (!freePorts && (await ping(apiUrl))) {
      log(`reusing the Mailpit answering on ${apiUrl}`);
      return { smtpHost: '127.0.0.1', smtpPort, apiUrl, started: false };
    }
    fs.mkdirSync(home, { recursive: true });
    const logFile = path.join(home, `mailpit-${httpPort}.log`);
    const child = spawnDetached(
      bin,
      [
        '--smtp',
        `127.0.0.1:${smtpPort}`,
        '--listen',
        `127.0.0.1:${httpPort}`,
        // Plain SMTP on loopback, any AUTH accepted, no release checks or outside fetches.
        '--smtp-auth-allow-insecure',
        '--smtp-auth-accept-any',
        '--disable-version-check',
        '--max',
        '5000',
      ],
      { logFile },
    );
    fs.writeFileSync(pidFileOf(httpPort), String(child.pid));
    try {
      await waitFor(() => ping(apiUrl), { timeoutMs: 20_000, alive: () => pidAlive(child.pid), what: 'mailpit' });
    } catch (e) {
      log(`${e.message}; log:\n${tail(logFile)}`);
      throw e;
    }
    log(`started mailpit (pid ${child.pid}): SMTP 127.0.0.1:${smtpPort}, inbox ${apiUrl.replace('127.0.0.1', 'localhost')}`);
    return { smtpHost: '127.0.0.1', smtpPort, apiUrl, started: true, pid: child.pid };
  });
}

/** Stops the Mailpit this repo started on `httpPort` (default: the configured one). */
export async function stop(httpPort = Number(process.env.MAILPIT_HTTP_PORT ?? 8025)) {
  const file = pidFileOf(httpPort);
  const pid = readPid(file);
  if (await stopPid(pid, 5000)) log(`stopped pid ${pid}`);
  fs.rmSync(file, { force: true });
  fs.rmSync(path.join(home, `mailpit-${httpPort}.log`), { force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cmd, ...args] = process.argv.slice(2);
  const run = {
    ensure: async () => (console.log(ensureMailpit()), 0),
    start: async () => (console.log(JSON.stringify(await start({ freePorts: args.includes('--free-ports') }))), 0),
    stop: async () => (await stop(args[0] ? Number(args[0]) : undefined), 0),
    status: async () => {
      const apiUrl = process.env.MAILPIT_URL ?? `http://127.0.0.1:${process.env.MAILPIT_HTTP_PORT ?? 8025}`;
      const ok = await ping(apiUrl);
      console.log(JSON.stringify({ answering: ok, apiUrl }));
      return ok ? 0 : 1;
    },
  }[cmd];
  if (!run) {
    console.error('usage: mailpit.mjs ensure|start [--free-ports]|stop [httpPort]|status');
    process.exit(2);
  }
  run().then(
    (c) => process.exit(c),
    (e) => (console.error(`[mailpit] ${e.message}`), process.exit(1)),
  );
}
