import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeSelfSignedCert } from './self-signed';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestHttpsServer {
  /** `https://localhost:<port>` */
  origin: string;
  port: number;
  /** The self-signed certificate (CN and SAN localhost, 127.0.0.1), to trust as a CA. */
  caPem: string;
  caFile: string;
  /** Replaces the request handler. */
  handle(h: Handler): void;
  /** Serves this body at every path with 200. */
  serve(body: string, contentType?: string): void;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 with a certificate made at test time (for metadata URLs). */
export async function startTestHttpsServer(): Promise<TestHttpsServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'https-'));
  const key = path.join(dir, 'server.key');
  const caFile = path.join(dir, 'server.crt');
  await writeSelfSignedCert(key, caFile, 'localhost', true);
  const caPem = await fs.readFile(caFile, 'utf8');
  let handler: Handler = (_req, res) => res.writeHead(404).end();
  const server = https.createServer({ key: await fs.readFile(key), cert: caPem }, (req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://localhost:${port}`,
    port,
    caPem,
    caFile,
    handle: (h) => {
      handler = h;
    },
    serve: (body, contentType = 'application/samlmetadata+xml') => {
      handler = (_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
