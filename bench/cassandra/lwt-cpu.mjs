#!/usr/bin/env node
// CPU a Cassandra node spends per lightweight transaction (INSERT IF NOT EXISTS + DELETE IF),
// read from /proc for the process listening on the CQL port; used to compare paxos_variant v1
// and v2 (docs/decisions.md, "ACS verification on one parse").
//   node bench/cassandra/lwt-cpu.mjs [CQL port, default 9042] [pairs, default 2000]
// Writes a table in keyspace `lwtbench` (created if missing). Not a test: run by hand.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cassandra = require('cassandra-driver');
const port = process.argv[2] ?? '9042';
const n = Number(process.argv[3] ?? 2000);
const pid = Number(execSync(`ss -ltnp | grep ':${port} ' | grep -o 'pid=[0-9]*' | head -1`).toString().split('=')[1]);
if (!pid) throw new Error(`nothing listens on port ${port}`);
const cpuMs = () => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

const c = new cassandra.Client({ contactPoints: [`127.0.0.1:${port}`], localDataCenter: 'datacenter1' });
await c.connect();
await c.execute("CREATE KEYSPACE IF NOT EXISTS lwtbench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
await c.execute('CREATE TABLE IF NOT EXISTS lwtbench.t (k text PRIMARY KEY, v text)');
const variant = (await c.execute("SELECT value FROM system_views.settings WHERE name = 'paxos_variant'")).rows[0]?.value;
const q = {
  prepare: true,
  consistency: cassandra.types.consistencies.localQuorum,
  serialConsistency: cassandra.types.consistencies.localSerial,
};
for (const phase of ['warm-up', 'measured']) {
  const c0 = cpuMs();
  const t0 = Date.now();
  const keys = Array.from({ length: n }, (_, i) => `${phase}-${Math.random()}-${i}`);
  for (let i = 0; i < n; i += 8) {
    await Promise.all(
      keys.slice(i, i + 8).map(async (k) => {
        await c.execute('INSERT INTO lwtbench.t (k, v) VALUES (?, ?) IF NOT EXISTS', [k, 'x'], q);
        await c.execute('DELETE FROM lwtbench.t WHERE k = ? IF v = ?', [k, 'x'], q);
      }),
    );
  }
  if (phase === 'measured') {
    console.log(
      JSON.stringify({
        port,
        paxos_variant: variant,
        lwts: 2 * n,
        cpu_ms_per_lwt: Number(((cpuMs() - c0) / (2 * n)).toFixed(2)),
        lwt_per_s: Math.round((2 * n) / ((Date.now() - t0) / 1000)),
      }),
    );
  }
}
await c.shutdown();
