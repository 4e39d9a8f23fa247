#!/usr/bin/env node
// A local Apache Cassandra 5.0 node on JDK 17, from Maven Central, for development and tests.
//   node tools/cassandra/cassandra.mjs start|stop|status
// start is idempotent: a node already answering CQL on the port is reused, never replaced.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDir, pidAlive, readPid, spawnDetached, stopPid, tail, tcpOpen, waitFor, withLock } from '../lib/proc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const home = process.env.CASSANDRA_HOME_DIR ?? path.join(cacheDir, 'cassandra');
const libDir = path.join(home, 'lib');
const confDir = path.join(home, 'conf');
const dataDir = path.join(home, 'data');
const logDir = path.join(home, 'logs');
const pidFile = path.join(home, 'cassandra.pid');
const host = '127.0.0.1';
const port = Number(process.env.CASSANDRA_PORT ?? 9042);
const storagePort = Number(process.env.CASSANDRA_STORAGE_PORT ?? 7000);
const startTimeoutMs = Number(process.env.CASSANDRA_START_TIMEOUT_MS ?? 240_000);

function log(msg) {
  process.stderr.write(`[cassandra] ${msg}\n`);
}

/** The pinned version, read from the pom so there is one place to change it. */
export function pinnedVersion() {
  const pom = fs.readFileSync(path.join(here, 'pom.xml'), 'utf8');
  return /<cassandra\.version>([^<]+)</.exec(pom)[1];
}

/** A contact point list that names anything but this machine means an external cluster. */
export function externalCluster() {
  const cps = process.env.CASSANDRA_CONTACT_POINTS;
  if (!cps) return false;
  return cps.split(',').some((cp) => !/^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)(:\d+)?$/.test(cp.trim()));
}

/** True when a CQL node answers a query (not merely an open port). */
export async function cqlAnswers(timeoutMs = 5000, at = { host, port }) {
  if (!(await tcpOpen(at.host, at.port))) return false;
  const { Client } = (await import('cassandra-driver')).default;
  const client = new Client({
    contactPoints: [`${at.host}:${at.port}`],
    localDataCenter: 'datacenter1',
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    isMetadataSyncEnabled: false,
  });
  try {
    const rs = await client.execute('SELECT release_version FROM system.local');
    return rs.first()?.release_version ?? false;
  } catch {
    return false;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

export function findJava17() {
  const candidates = [
    process.env.CASSANDRA_JAVA,
    process.env.JAVA_HOME && path.join(process.env.JAVA_HOME, 'bin/java'),
    '/usr/lib/jvm/java-17-openjdk-amd64/bin/java',
    '/usr/lib/jvm/java-17-openjdk-arm64/bin/java',
    'java',
  ].filter(Boolean);
  for (const java of candidates) {
    const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
    if (r.status === 0 && /version "17\./.test(r.stderr)) return java;
  }
  throw new Error(
    'Cassandra 5.0 needs JDK 17 (newer JDKs refuse its security manager). ' +
      `Tried: ${candidates.join(', ')}. Install openjdk-17-jdk-headless or set CASSANDRA_JAVA.`,
  );
}

/** Resolves cassandra-all and its runtime dependencies from Maven Central, once per version. */
export function ensureJars() {
  const version = pinnedVersion();
  const marker = path.join(libDir, `.resolved-${version}`);
  if (fs.existsSync(marker)) return;
  log(`resolving cassandra-all ${version} from Maven Central into ${libDir}`);
  fs.rmSync(libDir, { recursive: true, force: true });
  const t0 = Date.now();
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      path.join(here, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libDir}`,
    ],
    // stdout is reserved for the one JSON line `start` prints.
    { stdio: ['ignore', 2, 2] },
  );
  fs.writeFileSync(marker, new Date().toISOString());
  log(`resolved ${fs.readdirSync(libDir).filter((f) => f.endsWith('.jar')).length} jars in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/**
 * Writes a node's cassandra.yaml and logback.xml. `node` defaults to the shared development node;
 * the cluster tooling (cluster.mjs) passes its own addresses, ports, seeds and folders, and
 * `set` replaces top-level yaml keys (`key: value` lines) of the template.
 */
export function renderConfig(node = { dataDir, confDir, logDir, port, storagePort }, set = {}) {
  for (const d of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw']) {
    fs.mkdirSync(path.join(node.dataDir, d), { recursive: true });
  }
  fs.mkdirSync(node.confDir, { recursive: true });
  fs.mkdirSync(node.logDir, { recursive: true });
  let yaml = fs
    .readFileSync(path.join(here, 'conf/cassandra.yaml.template'), 'utf8')
    .replaceAll('@DATA_DIR@', node.dataDir)
    .replaceAll('@NATIVE_PORT@', String(node.port))
    .replaceAll('@STORAGE_PORT@', String(node.storagePort));
  for (const [key, value] of Object.entries(set)) {
    const line = new RegExp(`^${key}:.*$`, 'm');
    if (!line.test(yaml)) throw new Error(`cassandra.yaml.template has no top-level ${key}`);
    yaml = yaml.replace(line, `${key}: ${value}`);
  }
  fs.writeFileSync(path.join(node.confDir, 'cassandra.yaml'), yaml);
  fs.copyFileSync(path.join(here, 'conf/logback.xml'), path.join(node.confDir, 'logback.xml'));
}

/**
 * The JVM command line for a node: jvm17.options (heap from `heap` or $CASSANDRA_HEAP), then
 * `props` as -D system properties (they replace same-named ones from the options file).
 */
export function jvmArgs(node = { home, confDir, logDir, dataDir, pidFile }, { heap = process.env.CASSANDRA_HEAP, props = {} } = {}) {
  const overridden = (o) => Object.keys(props).some((k) => o.startsWith(`-D${k}=`));
  const opts = fs
    .readFileSync(path.join(here, 'conf/jvm17.options'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !overridden(l));
  const tmp = path.join(node.home, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const jamm = fs.readdirSync(libDir).find((f) => /^jamm-.*\.jar$/.test(f));
  return [
    ...opts.map((o) => (heap && /^-Xm[sx]/.test(o) ? `${o.slice(0, 4)}${heap}` : o)),
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
    ...(jamm ? [`-javaagent:${path.join(libDir, jamm)}`] : []),
    // Native libraries (JNA, netty, lz4) unpack here; /tmp may be noexec.
    `-Djava.io.tmpdir=${tmp}`,
    `-Djna.tmpdir=${tmp}`,
    `-Dcassandra.config=${pathToFileURL(path.join(node.confDir, 'cassandra.yaml')).href}`,
    `-Dlogback.configurationFile=${path.join(node.confDir, 'logback.xml')}`,
    `-Dcassandra.logdir=${node.logDir}`,
    `-Dcassandra.storagedir=${node.dataDir}`,
    `-Dcassandra-pidfile=${node.pidFile}`,
    '-cp',
    `${node.confDir}:${libDir}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/** Makes sure a node answers CQL; returns how it got there. */
export async function start() {
  if (externalCluster()) {
    log(`CASSANDRA_CONTACT_POINTS=${process.env.CASSANDRA_CONTACT_POINTS}: using that cluster, starting nothing`);
    return { started: false, external: true };
  }
  return withLock('cassandra', async () => {
    const t0 = Date.now();
    const running = await cqlAnswers();
    if (running) {
      log(`reusing the node answering on ${host}:${port} (Cassandra ${running})`);
      return { started: false, version: running };
    }
    const stale = readPid(pidFile);
    if (pidAlive(stale)) {
      log(`a node (pid ${stale}) is still starting; waiting for it`);
    } else {
      const java = findJava17();
      ensureJars();
      renderConfig();
      const child = spawnDetached(java, jvmArgs(), { logFile: path.join(logDir, 'stdout.log'), cwd: home });
      fs.writeFileSync(pidFile, String(child.pid));
      log(`starting Cassandra ${pinnedVersion()} (pid ${child.pid}), logs in ${logDir}`);
    }
    const pid = readPid(pidFile);
    try {
      await waitFor(() => cqlAnswers(), {
        timeoutMs: startTimeoutMs,
        intervalMs: 500,
        alive: () => pidAlive(pid),
        what: 'Cassandra',
      });
    } catch (e) {
      log(`${e.message}; last lines of the log:\n${tail(path.join(logDir, 'stdout.log'))}`);
      throw e;
    }
    const secs = (Date.now() - t0) / 1000;
    log(`CQL answers on ${host}:${port} after ${secs.toFixed(1)}s`);
    return { started: true, seconds: secs };
  });
}

/** The pid of the local node this script started (for benchmarks' CPU accounting), or null. */
export function pid() {
  const p = readPid(pidFile);
  return p && pidAlive(p) ? p : null;
}

export async function stop() {
  const pid = readPid(pidFile);
  if (!(await stopPid(pid))) {
    log('no node started by this script is running');
    return;
  }
  fs.rmSync(pidFile, { force: true });
  log(`stopped pid ${pid}`);
}

async function status() {
  const version = await cqlAnswers();
  const pid = readPid(pidFile);
  console.log(JSON.stringify({ answering: Boolean(version), version: version || null, host, port, pid: pidAlive(pid) ? pid : null }));
  return version ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cmd = process.argv[2];
  const run = { start: async () => (console.log(JSON.stringify(await start())), 0), stop: async () => (await stop(), 0), status }[cmd];
  if (!run) {
    console.error('usage: cassandra.mjs start|stop|status');
    process.exit(2);
  }
  run().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`[cassandra] ${e.message}`);
      process.exit(1);
    },
  );
}
