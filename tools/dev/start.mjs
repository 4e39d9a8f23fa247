#!/usr/bin/env node
// `npm start`: the whole service set on http://localhost:8080. Starts Cassandra, Redis and Mailpit
// (SMTP 127.0.0.1:1025, inbox http://localhost:8025) when none answer, builds, migrates, then runs
// the three apps and the gateway. Ctrl-C stops what this script started (a Cassandra, Redis or
// Mailpit that was already running is left alone).
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as cassandra from '../cassandra/cassandra.mjs';
import { cacheDir, repoRoot } from '../lib/proc.mjs';
import * as mailpit from '../mailpit/mailpit.mjs';
import * as redis from '../redis/redis.mjs';

const node = process.execPath;
const dist = (p) => path.join(repoRoot, 'dist', p);
const children = [];
let stopping = false;
const started = { cassandra: false, redis: false, mailpit: false };

function run(name, args, env = {}) {
  const child = spawn(node, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${name.padEnd(11)}| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) process.stdout.write(prefix + l + '\n');
    });
  }
  return child;
}

function runToEnd(name, args) {
  return new Promise((resolve, reject) => {
    run(name, args).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
  });
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping...\n');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', resolve);
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  if (started.redis) await redis.stop();
  if (started.mailpit) await mailpit.stop();
  if (started.cassandra) await cassandra.stop();
  process.exit(code);
}

/** One Ed25519 signing key for all local apps, kept across restarts so sessions survive them. */
function devKeysFile() {
  const file = path.join(cacheDir, 'dev', 'access-token-keys.json');
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const entry = {
      kid: `dev-${Date.now().toString(36)}`,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify([entry], null, 2), { mode: 0o600 });
  }
  return file;
}

async function main() {
  const t0 = Date.now();
  const c = await cassandra.start();
  started.cassandra = c.started;
  const r = await redis.start();
  started.redis = r.started;
  process.env.REDIS_URL = r.url;
  // Mail goes to Mailpit unless MAIL_SMTP_HOST names a real server.
  if (!process.env.MAIL_SMTP_HOST) {
    const m = await mailpit.start();
    started.mailpit = m.started;
    Object.assign(process.env, { MAIL_SMTP_HOST: m.smtpHost, MAIL_SMTP_PORT: String(m.smtpPort), MAIL_SMTP_TLS: 'none' });
  }
  process.env.ACCESS_TOKEN_KEYS_FILE ??= devKeysFile();
  await runToEnd('build', ['tools/build.mjs']);
  await runToEnd('migrate', [dist('tools/migrate/main.js')]);
  const apps = ['saml-sp', 'scim-api', 'token-admin'];
  for (const app of apps) {
    // The apps sit behind the gateway: trust its X-Forwarded-For, as behind the ingress.
    const child = run(app, ['--enable-source-maps', dist(`apps/${app}/main.js`)], {
      HTTP_TRUST_PROXY: process.env.HTTP_TRUST_PROXY ?? '127.0.0.1',
    });
    children.push(child);
    child.on('exit', (code) => {
      if (!stopping) {
        process.stdout.write(`${app} exited with ${code}; stopping everything\n`);
        void stopAll(1);
      }
    });
  }
  const gw = run('gateway', [dist('tools/dev/gateway.js')]);
  children.push(gw);
  gw.on('exit', (code) => !stopping && stopAll(code ?? 1));
  process.stdout.write(
    `\nready in ${((Date.now() - t0) / 1000).toFixed(1)}s: http://localhost:8080 (saml-sp :8081, scim-api :8082, token-admin :8083; internal /i/ routes on :9081, :9082, :9083; mail: http://localhost:8025; Ctrl-C stops)\n\n`,
  );
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((e) => {
  process.stderr.write(`npm start failed: ${e.message}\n`);
  void stopAll(1);
});
