import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { inject } from 'vitest';
import { type Config, loadConfig } from '@sso/config';
import { type AppSpec, closeServer, createApp, listenInternal } from '@sso/platform';
import { testCassandraConfig } from '@sso/persistence/testing';

/** The configuration tests run with: the shared test keyspaces, the run's Redis, its Mailpit for SMTP. */
export function testConfig(overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Config {
  const mailpit = inject('mailpit');
  const base = loadConfig({
    env: {
      REDIS_URL: inject('redisUrl'),
      MAIL_SMTP_HOST: mailpit.smtpHost,
      MAIL_SMTP_PORT: String(mailpit.smtpPort),
      MAIL_SMTP_TLS: 'none',
      MAIL_WORKER_INTERVAL_MS: '200',
      ...env,
    },
    overrides,
  });
  return { ...base, cassandra: testCassandraConfig(base.cassandra) };
}

/**
 * The configuration of the unit tier: every store in memory (STORE_BACKEND=memory), so no
 * Cassandra and no Redis; nothing from the environment, so a REDIS_URL or CASSANDRA_* of the
 * shell changes nothing.
 */
export function memoryTestConfig(overrides: Record<string, unknown> = {}): Config {
  // No outbox worker: a unit test never opens an SMTP connection (it runs OutboxWorker itself if it must).
  return loadConfig({ env: { APP_ENV: 'test', STORE_BACKEND: 'memory', LOG_LEVEL: 'silent', MAIL_WORKER_ENABLED: 'false' }, overrides });
}

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL when listening (listen: true), else undefined. */
  url?: string;
  /** Base URL of the internal port (`/i/` routes, and only them) when listening. */
  internalUrl?: string;
  /** Every log line the app wrote, as text (for "no secret in the logs" checks). */
  logs: () => string;
  close: () => Promise<void>;
}

/** Builds an app on the configured stores (test keyspaces or memory); listens on an ephemeral port when asked to. */
export async function startTestApp(spec: AppSpec, config: Config, opts: { listen?: boolean } = {}): Promise<TestApp> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'debug', base: { app: spec.name } }, sink);
  const app = await createApp(spec, config, logger);
  let url: string | undefined;
  let internalUrl: string | undefined;
  let internal: Awaited<ReturnType<typeof listenInternal>> | undefined;
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
    internal = await listenInternal(app.getHttpAdapter().getInstance(), 0, '127.0.0.1');
    internalUrl = `http://127.0.0.1:${(internal.address() as { port: number }).port}`;
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  const close = async () => {
    if (internal) await closeServer(internal);
    await app.close();
  };
  return { app, url, internalUrl, logs: () => text, close };
}
