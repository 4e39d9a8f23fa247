import { Controller, Get, Module } from '@nestjs/common';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import { type AppSpec, createApp } from './bootstrap';
import { StoresModule } from './stores.module';

@Controller('hello')
class HelloController {
  @Get()
  hello(): string {
    return 'hi';
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

const spec: AppSpec = {
  name: 'token-admin',
  title: 'test',
  description: 'test app',
  imports: [StoresModule.forRoot(), HelloModule],
  port: (c) => c.ports.tokenAdmin,
};

const silent = pino({ level: 'silent' });

type Get = (url: string) => Promise<{ statusCode: number; body: string; json: () => Record<string, unknown> }>;

async function withApp(env: NodeJS.ProcessEnv, run: (inject: Get) => Promise<void>) {
  const app = await createApp(spec, loadConfig({ env }), silent);
  try {
    await app.init();
    await run(async (url) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url }));
  } finally {
    await app.close();
  }
}

describe('an app on the Cassandra backend (the default)', () => {
  it('answers /i/status with 200 and an empty body when Cassandra answers, and times the query', async () => {
    await withApp({}, async (inject) => {
      const r = await inject('/i/status');
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe('');
      const m = await inject('/i/metrics');
      expect(m.body).toMatch(/cassandra_query_duration_seconds_count\{app="token-admin",query="status.ping",outcome="ok"\}/);
    });
  });

  it('answers /i/status with 503 and the reason when Cassandra is down', async () => {
    await withApp({ CASSANDRA_CONTACT_POINTS: '127.0.0.1:1' }, async (inject) => {
      const r = await inject('/i/status');
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 503, label: 'service-unavailable' });
      expect(r.json().message).toMatch(/^cassandra: /);
    });
  });
});
