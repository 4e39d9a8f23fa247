#!/usr/bin/env node
// A local Cassandra 5.0 cluster of its own for the resilience and outage tests: nodes on
// 127.0.0.1, 127.0.0.2, ... (Linux routes all of 127/8 to loopback), each on the same
// non-default ports, with its own cluster name, seeds and folders under .cache/. It never
// touches the shared development node on 127.0.0.1:9042 / storage 7000.
//   node tools/cassandra/cluster.mjs start|stop|status [--nodes 3] [--name resilience]
// Jars, JVM options and the yaml template are the ones tools/cassandra/cassandra.mjs uses.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, pidAlive, readPid, spawnDetached, stopPid, tail, waitFor } from '../lib/proc.mjs';
import { cqlAnswers, ensureJars, findJava17, jvmArgs, renderConfig } from './cassandra.mjs';

export const NATIVE_PORT = Number(process.env.CLUSTER_NATIVE_PORT ?? 19042);
export const STORAGE_PORT = Number(process.env.CLUSTER_STORAGE_PORT ?? 17000);
const startTimeoutMs = Number(process.env.CASSANDRA_START_TIMEOUT_MS ?? 240_000);

function log(msg) {
  process.stderr.write(`[cluster] ${msg}\n`);
}

/**
 * Evenly spread Murmur3 tokens, one per node: with auto_bootstrap off, nodes join at once
 * without streaming, and each owns a third of the ring (RF=3 puts every row on all anyway).
 */
export function tokens(n) {
  const span = 2n ** 64n;
  return Array.from({ length: n }, (_, i) => String(-(2n ** 63n) + (span * BigInt(i)) / BigInt(n)));
}

/**
 * The nodes of cluster `name`: address, folders and token. `firstAddress` moves the whole
 * cluster along 127/8 (the outage tests use a one-node cluster on 127.0.0.10).
 */
export function nodes({ name = 'resilience', count = 3, firstAddress = 1 } = {}) {
  const ts = tokens(count);
  return ts.map((token, i) => {
    const host = `127.0.0.${firstAddress + i}`;
    const home = path.join(cacheDir, 'cassandra-cluster', name, `node${i + 1}`);
    return {
      name,
      index: i,
      host,
      port: NATIVE_PORT,
      storagePort: STORAGE_PORT,
      token,
      seed: `127.0.0.${firstAddress}:${STORAGE_PORT}`,
      home,
      confDir: path.join(home, 'conf'),
      dataDir: path.join(home, 'data'),
      logDir: path.join(home, 'logs'),
      pidFile: path.join(home, 'cassandra.pid'),
    };
  });
}

export const contactPoints = (ns) => ns.map((n) => `${n.host}:${n.port}`);

export function nodePid(node) {
  const pid = readPid(node.pidFile);
  return pidAlive(pid) ? pid : null;
}

/**
 * Starts one node (data kept from an earlier start) and waits until it answers CQL. `yaml`
 * replaces top-level keys of the template (e.g. a shorter `commitlog_sync_period`).
 */
export async function startNode(node, { heap = process.env.CLUSTER_HEAP ?? '640m', yaml = {} } = {}) {
  const t0 = Date.now();
  if (nodePid(node)) throw new Error(`node ${node.host} already runs (pid ${nodePid(node)})`);
  const java = findJava17();
  ensureJars();
  renderConfig(node, {
    cluster_name: `sso-${node.name}`,
    listen_address: node.host,
    rpc_address: node.host,
    // A restarted node gets the writes it missed from the others' hints, not only from reads.
    hinted_handoff_enabled: 'true',
    ...yaml,
  });
  fs.writeFileSync(
    path.join(node.confDir, 'cassandra.yaml'),
    fs.readFileSync(path.join(node.confDir, 'cassandra.yaml'), 'utf8').replace(/seeds: "[^"]*"/, `seeds: "${node.seed}"`),
  );
  const args = jvmArgs(node, {
    heap,
    props: {
      'cassandra.initial_token': node.token,
      // The development node skips the commit log for system tables; a node killed here must
      // come back with its schema, as a real one does.
      'cassandra.unsafesystem': 'false',
      'cassandra.system_distributed.default_rf': '3',
      // Nodes join side by side without streaming (auto_bootstrap is off).
      'cassandra.consistent.rangemovement': 'false',
    },
  });
  const child = spawnDetached(java, args, { logFile: path.join(node.logDir, 'stdout.log'), cwd: node.home });
  fs.writeFileSync(node.pidFile, String(child.pid));
  try {
    await waitFor(() => cqlAnswers(3000, node), {
      timeoutMs: startTimeoutMs,
      intervalMs: 500,
      alive: () => pidAlive(child.pid),
      what: `Cassandra node ${node.host}`,
    });
  } catch (e) {
    log(`${e.message}; last lines of its log:\n${tail(path.join(node.logDir, 'stdout.log'))}`);
    throw e;
  }
  log(`node ${node.host}:${node.port} (pid ${child.pid}) answers after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return child.pid;
}

/**
 * Waits until `node` lists `expected` peers in system.peers_v2 (it has learned the ring).
 */
export async function waitForPeers(node, expected, timeoutMs = 120_000) {
  const { Client, policies } = (await import('cassandra-driver')).default;
  const { AllowListPolicy, RoundRobinPolicy } = policies.loadBalancing;
  const here = `${node.host}:${node.port}`;
  const client = new Client({
    contactPoints: [here],
    localDataCenter: 'datacenter1',
    isMetadataSyncEnabled: false,
    // Only this node answers: the question is what *it* knows of the ring.
    policies: { loadBalancing: new AllowListPolicy(new RoundRobinPolicy(), [here]) },
  });
  try {
    await waitFor(
      async () => {
        const rs = await client.execute('SELECT peer FROM system.peers_v2');
        return rs.rowLength >= expected;
      },
      { timeoutMs, intervalMs: 500, what: `node ${node.host} seeing ${expected} peers` },
    );
  } finally {
    await client.shutdown().catch(() => {});
  }
}

/**
 * Starts the cluster: the seed first (the others learn the ring from it), then the rest side by
 * side. Returns the contact points. Nodes already running are kept.
 */
export async function start(opts = {}) {
  const ns = nodes(opts);
  const t0 = Date.now();
  const pending = ns.filter((n) => !nodePid(n));
  if (pending.includes(ns[0])) await startNode(ns[0], opts);
  await Promise.all(pending.filter((n) => n !== ns[0]).map((n) => startNode(n, opts)));
  if (ns.length > 1) await Promise.all(ns.map((n) => waitForPeers(n, ns.length - 1)));
  log(`${ns.length} node(s) up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${contactPoints(ns).join(',')}`);
  return { contactPoints: contactPoints(ns), seconds: (Date.now() - t0) / 1000 };
}

/** SIGKILL: the node dies as on a power cut (its data stays for the restart). */
export function killNode(node) {
  const pid = nodePid(node);
  if (!pid) throw new Error(`node ${node.host} is not running`);
  process.kill(-pid, 'SIGKILL');
  return pid;
}

export async function stop(opts = {}) {
  await Promise.all(
    nodes(opts).map(async (n) => {
      const pid = readPid(n.pidFile);
      if (await stopPid(pid, 20_000)) log(`stopped ${n.host} (pid ${pid})`);
      fs.rmSync(n.pidFile, { force: true });
    }),
  );
}

/** Stops the cluster and removes its data (a run starts from an empty ring). */
export async function destroy(opts = {}) {
  await stop(opts);
  const ns = nodes(opts);
  fs.rmSync(path.dirname(ns[0].home), { recursive: true, force: true });
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--nodes') opts.count = Number(argv[i + 1]);
    else if (argv[i] === '--name') opts.name = argv[i + 1];
    else if (argv[i] === '--first-address') opts.firstAddress = Number(argv[i + 1]);
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cmd, ...rest] = process.argv.slice(2);
  const opts = parseArgs(rest);
  const run = {
    start: async () => (console.log(JSON.stringify(await start(opts))), 0),
    stop: async () => (await stop(opts), 0),
    destroy: async () => (await destroy(opts), 0),
    status: async () => {
      const out = await Promise.all(
        nodes(opts).map(async (n) => ({ host: n.host, pid: nodePid(n), answering: Boolean(await cqlAnswers(3000, n)) })),
      );
      console.log(JSON.stringify(out));
      return out.every((n) => n.answering) ? 0 : 1;
    },
  }[cmd];
  if (!run) {
    console.error('usage: cluster.mjs start|stop|destroy|status [--nodes N] [--name NAME] [--first-address K]');
    process.exit(2);
  }
  run().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`[cluster] ${e.message}`);
      process.exit(1);
    },
  );
}
