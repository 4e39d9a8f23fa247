#!/usr/bin/env node
// Redis for development and tests, in this order: $REDIS_URL if set; else a server already
// answering on 127.0.0.1:6379; else Debian's redis-server, installed with apt-get when missing
// and we run as root, started in the background with no persistence.
//   node tools/redis/redis.mjs start|stop|status
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, pidAlive, readPid, spawnDetached, stopPid, tail, waitFor, withLock } from '../lib/proc.mjs';

const home = path.join(cacheDir, 'redis');
const pidFile = path.join(home, 'redis.pid');
const logFile = path.join(home, 'redis.log');
const port = Number(process.env.REDIS_PORT ?? 6379);
const localUrl = `redis://127.0.0.1:${port}`;

function log(msg) {
  process.stderr.write(`[redis] ${msg}\n`);
}

/** PING over a raw socket: no client library needed before npm ci. */
export function ping(url = localUrl, timeoutMs = 1000) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(/^\+PONG|^-NOAUTH/.test(d.toString())));
  });
}

function findRedisServer() {
  for (const bin of [process.env.REDIS_SERVER, 'redis-server', '/usr/bin/redis-server'].filter(Boolean)) {
    if (spawnSync(bin, ['--version']).status === 0) return bin;
  }
  return undefined;
}

function installRedis() {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'redis-server is not installed and this script is not root. Install it (Debian: apt-get install redis-server) or set REDIS_URL.',
    );
  }
  log('installing redis-server with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { stdio: ['ignore', 2, 2], env });
}

/** Makes sure a Redis answers: returns its URL and whether this call started it. */
export async function start() {
  if (process.env.REDIS_URL) {
    log(`REDIS_URL=${process.env.REDIS_URL}: using it, starting nothing`);
    return { url: process.env.REDIS_URL, started: false };
  }
  return withLock('redis', async () => {
    if (await ping()) {
      log(`reusing the server answering on 127.0.0.1:${port}`);
      return { url: localUrl, started: false };
    }
    let bin = findRedisServer();
    if (!bin) {
      installRedis();
      // The package's own service may have come up on the default port.
      if (await ping()) return { url: localUrl, started: false };
      bin = findRedisServer();
      if (!bin) throw new Error('redis-server still not found after apt-get install');
    }
    fs.mkdirSync(home, { recursive: true });
    const child = spawnDetached(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', home],
      { logFile },
    );
    fs.writeFileSync(pidFile, String(child.pid));
    try {
      await waitFor(() => ping(), { timeoutMs: 20_000, alive: () => pidAlive(child.pid), what: 'redis-server' });
    } catch (e) {
      log(`${e.message}; log:\n${tail(logFile)}`);
      throw e;
    }
    log(`started redis-server (pid ${child.pid}) on 127.0.0.1:${port}`);
    return { url: localUrl, started: true };
  });
}

export async function stop() {
  const pid = readPid(pidFile);
  if (await stopPid(pid, 5000)) log(`stopped pid ${pid}`);
  fs.rmSync(pidFile, { force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cmd = process.argv[2];
  const run = {
    start: async () => (console.log(JSON.stringify(await start())), 0),
    stop: async () => (await stop(), 0),
    status: async () => {
      const ok = await ping(process.env.REDIS_URL ?? localUrl);
      console.log(JSON.stringify({ answering: ok, url: process.env.REDIS_URL ?? localUrl }));
      return ok ? 0 : 1;
    },
  }[cmd];
  if (!run) {
    console.error('usage: redis.mjs start|stop|status');
    process.exit(2);
  }
  run().then(
    (c) => process.exit(c),
    (e) => (console.error(`[redis] ${e.message}`), process.exit(1)),
  );
}
