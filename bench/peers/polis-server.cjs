// The peer for bench/peers/run.mjs: Ory Polis (npm `@boxyhq/saml-jackson`), its directory-sync
// SCIM handler on SQLite (better-sqlite3), behind a thin node:http server that turns a request
// into Polis's DirectorySyncRequest the way Polis's own Next.js route does
// (`/api/scim/v2.0/<directory>/Users[/<id>]`, bearer = the directory's SCIM secret).
// Polis is installed by run.mjs under .cache/peers/polis, never into the product.
//   node bench/peers/polis-server.cjs <polis folder> <sqlite file> <port>
// Prints one JSON line {"ready":true,"directory":…,"secret":…} once it listens.
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const [folder, dbFile, port] = process.argv.slice(2);
const polisRequire = createRequire(path.join(path.resolve(folder), 'package.json'));
const jackson = polisRequire('@boxyhq/saml-jackson');

// Polis logs every write without a webhook as an error ("Webhook not configured"); the bench has none.
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a) => String(a[0]).startsWith('Webhook not configured') || console.error('[polis]', ...a),
};

async function main() {
  const { directorySyncController: dsync } = await (jackson.default ?? jackson)({
    externalUrl: `http://127.0.0.1:${port}`,
    samlPath: '/api/oauth/saml',
    samlAudience: 'https://saml.boxyhq.com',
    db: { engine: 'sql', type: 'sqlite', url: dbFile },
    noAnalytics: true,
    logger: quiet,
  });
  const { data: directory, error } = await dsync.directories.create({
    name: 'bench',
    tenant: 'bench.example',
    product: 'bench',
    type: 'generic-scim-v2',
  });
  if (error) throw new Error(`directory: ${error.message}`);

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const url = new URL(req.url, 'http://x');
        // /api/scim/v2.0/<directory>/<Users|Groups>[/<id>]
        const [, , , , directoryId, resourceType, resourceId] = url.pathname.split('/');
        const auth = req.headers.authorization ?? '';
        const q = url.searchParams;
        const raw = Buffer.concat(chunks).toString('utf8');
        const { status, data } = await dsync.requests.handle({
          method: req.method,
          body: raw ? JSON.parse(raw) : undefined,
          directoryId,
          resourceType: resourceType ?? '',
          resourceId,
          apiSecret: auth.startsWith('Bearer ') ? auth.slice(7) : null,
          query: {
            count: q.has('count') ? Number(q.get('count')) : undefined,
            startIndex: q.has('startIndex') ? Number(q.get('startIndex')) : undefined,
            filter: q.get('filter') ?? undefined,
          },
        });
        const body = JSON.stringify(data);
        res.writeHead(status, { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } catch (e) {
        console.error('[polis]', e);
        res.writeHead(500).end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(port), '127.0.0.1', () =>
    console.log(JSON.stringify({ ready: true, directory: directory.id, secret: directory.scim.secret })),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
