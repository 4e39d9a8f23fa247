import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Config } from '@sso/config';
import { type TestApp, startTestApp } from '@sso/testing';
import { samlSp } from '../apps/saml-sp/src/app';
import { scimApi } from '../apps/scim-api/src/app';
import { tokenAdmin } from '../apps/token-admin/src/app';
import { buildGateway } from '../tools/dev/gateway';

const root = path.resolve(__dirname, '..');

/** The three apps on sockets of their own and the dev gateway in front of them, as docs/walkthrough.md runs them. */
export interface GatewayStack {
  /** The gateway's base URL, what the manual calls $WIRE_BACKEND. */
  backend: string;
  close(): Promise<void>;
}

/** `port`: where the gateway listens (0: any free port); the browser tests fix it first, as the SP's public URL names it. */
export async function startGatewayStack(config: Config, port = 0): Promise<GatewayStack> {
  const apps: TestApp[] = [];
  let gateway: FastifyInstance | undefined;
  const close = async () => {
    await gateway?.close();
    for (const a of apps) await a.close();
  };
  try {
    const ports: Partial<Config['ports']> = {};
    for (const [spec, key] of [
      [samlSp, 'samlSp'],
      [scimApi, 'scimApi'],
      [tokenAdmin, 'tokenAdmin'],
    ] as const) {
      const app = await startTestApp(spec, config, { listen: true });
      apps.push(app);
      ports[key] = Number(new URL(app.url!).port);
    }
    gateway = await buildGateway({ ...config, ports: { ...config.ports, ...ports } });
    return { backend: await gateway.listen({ port, host: '127.0.0.1' }), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A bash script run from the repository root with only `env` (strict mode, no rc files), as a
 * reader of the manual would paste it. Asynchronous: the apps answering its curl calls live in
 * this very process.
 */
export async function shell(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const run = promisify(execFile);
  return (await run('bash', ['--norc', '-euo', 'pipefail', '-c', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })).stdout;
}

/** The value of the `key=value` line a script echoed (the first one); fails the test when there is none. */
export function echoed(out: string, key: string): string {
  const line = out.split('\n').find((l) => l.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`the script echoed no ${key}= line:\n${out}`);
  return line.slice(key.length + 1);
}
