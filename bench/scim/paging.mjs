#!/usr/bin/env node
// SCIM list scenarios at 1,000 and at 100,000 users, index paging above all: the per-page cost of
// a sequential startIndex walk at both sizes (the target: within 1.5x), the first index page, a
// jump deep into the list, totals (count=0), the cursor walk and a keyed filter, over HTTP against
// the built scim-api on the local Cassandra node. Prints a table (and the figures as JSON on stderr).
//   node bench/scim/paging.mjs [large team size, default 100000] [seconds per phase, default 10] [connections, default 8]
// Teams are seeded straight into Cassandra through the persistence stores (the rows a POST /Users
// writes, as bench/scim/scale.mjs does; the per-team count is left alone, as on an install from
// before it existed, so the first list recounts: the bench waits for that), remembered in
// .cache/bench/scim-paging.json and reused by later runs; delete that file to seed again.
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import path from 'node:path';
import autocannon from 'autocannon';
import * as cassandra from '../../tools/cassandra/cassandra.mjs';
import { cacheDir } from '../../tools/lib/proc.mjs';
import * as redis from '../../tools/redis/redis.mjs';
import { run, freePort, pct, machine, seededScimTeams, seedUserName, startApp } from '../lib.mjs';

const largeSize = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const SMALL = 1000;
/** Users per page of the index walks (Okta's page). */
const PAGE = 100;
/** Pages timed per walk (the whole of the small team; as many of the large one, from several depths). */
const WALK_PAGES = 200;
const stateFile = path.join(cacheDir, 'bench', 'scim-paging.json');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const log = (...a) => console.error('[bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await cassandra.start();
const { url: redisUrl } = await redis.start();
await run(['tools/build.mjs']);
await run(['dist/tools/migrate/main.js']);

const { small, large } = await seededScimTeams(stateFile, { small: SMALL, large: largeSize }, 'Bench paging');

const port = await freePort();
const { base, child: app } = await startApp('scim-api', {
  SCIM_API_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: redisUrl,
  SCIM_MAX_RESULTS: '1000',
});
const rows = [];
const figures = { machine: machine(), connections, secondsPerPhase: seconds, sizes: [small.size, large.size] };
try {
  const hdrs = (t) => ({ authorization: `Bearer ${t.token}` });
  const get = async (t, q) => {
    const t0 = performance.now();
    const r = await fetch(`${base}/scim/v2/Users${q}`, { headers: hdrs(t) });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`GET ${q}: ${r.status} ${JSON.stringify(body)}`);
    return { body, ms: performance.now() - t0 };
  };
  const load = (t, paths) => {
    let k = 0;
    return autocannon({
      url: `${base}/scim/v2/Users${paths[0]}`,
      headers: hdrs(t),
      connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, path: `/scim/v2/Users${paths[k++ % paths.length]}` }) }],
    });
  };

  // The first list of a team never counted walks it and recounts; wait until the count is kept.
  for (const t of [small, large]) {
    const first = await get(t, '?startIndex=1&count=1');
    log(`first list of ${t.size}: ${first.ms.toFixed(0)} ms (recount), totalResults ${first.body.totalResults}`);
    if (first.body.totalResults !== t.size) throw new Error(`totalResults ${first.body.totalResults} for ${t.size}`);
  }
  await sleep(4000);

  /** A sequential index walk of `pages` pages of PAGE from startIndex `from` (the checkpoint path). */
  const indexWalk = async (t, from, pages) => {
    const ms = [];
    for (let p = 0, start = from; p < pages && start <= t.size; p++, start += PAGE) {
      const r = await get(t, `?startIndex=${start}&count=${PAGE}`);
      if (r.body.Resources.length !== Math.min(PAGE, t.size - start + 1))
        throw new Error(`page ${start}: ${r.body.Resources.length} users`);
      if (r.body.totalResults !== t.size) throw new Error(`page ${start}: totalResults ${r.body.totalResults}`);
      ms.push(r.ms);
    }
    return ms;
  };
  const walkRow = (label, ms) => ({ label, pages: ms.length, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), mean: mean(ms) });

  // Warm-up (JIT, prepared statements) on users no timed walk reads: three quarters into the large team.
  await indexWalk(large, Math.floor((large.size * 0.75) / PAGE) * PAGE + 1, 5);

  // 1. Sequential index walk, per page, in the same cache state at both sizes: a first pass over
  //    users no request has read yet (so they are not in the user cache), then a second pass over
  //    the same users (cached, when the cache is on). The small team: all of it; the large one: its
  //    first WALK_PAGES / 2 pages (10,000 users, within the cache's default 20,000 entries), then,
  //    uncached, as many pages from its middle.
  const smallCold = await indexWalk(small, 1, SMALL / PAGE);
  const smallWarm = await indexWalk(small, 1, SMALL / PAGE);
  const largeCold = await indexWalk(large, 1, WALK_PAGES / 2);
  const largeWarm = await indexWalk(large, 1, WALK_PAGES / 2);
  const deep = Math.floor(large.size / 2 / PAGE) * PAGE + 1;
  // Getting to the middle costs one jump (below); the walk from there is sequential again.
  const jumpMs = (await get(large, `?startIndex=${deep}&count=${PAGE}`)).ms;
  const largeDeep = await indexWalk(large, deep + PAGE, WALK_PAGES / 2);
  const ws = walkRow('', [...smallCold, ...smallWarm]);
  const wl = walkRow('', [...largeCold, ...largeWarm]);
  const wsCold = walkRow('', smallCold);
  const wlCold = walkRow('', [...largeCold, ...largeDeep]);
  const wsWarm = walkRow('', smallWarm);
  const wlWarm = walkRow('', largeWarm);
  figures.indexWalk = {
    twoPasses: { small: ws, large: wl, meanRatio: wl.mean / ws.mean, p50Ratio: wl.p50 / ws.p50 },
    firstPass: { small: wsCold, large: wlCold, meanRatio: wlCold.mean / wsCold.mean },
    secondPass: { small: wsWarm, large: wlWarm, meanRatio: wlWarm.mean / wsWarm.mean },
  };

  // 2. A jump deep into the list without a checkpoint (a fresh query scope each time: `sortOrder`
  //    without `sortBy` changes the scope, not the rows), one request each, cold.
  const jumps = [];
  for (const frac of [0.25, 0.5, 0.9]) {
    const start = Math.floor((large.size * frac) / PAGE) * PAGE + 1;
    jumps.push({
      start,
      ms: (await get(large, `?startIndex=${start}&count=${PAGE}&sortOrder=${frac > 0.5 ? 'descending' : 'ascending'}`)).ms,
    });
  }
  figures.jumps = { first: jumpMs, more: jumps };

  // 3. Throughput phases at both sizes.
  const phases = [
    ['first index page (`startIndex=1&count=100`)', () => ['?startIndex=1&count=100']],
    ['totals only (`count=0`)', () => ['?startIndex=1&count=0']],
    [
      'filter `userName eq` (keyed)',
      (t) =>
        Array.from({ length: 50 }, (_, i) => `?filter=${encodeURIComponent(`userName eq "${seedUserName(t.tag, (i * 7919) % t.size)}"`)}`),
    ],
    ['cursor page (`cursor=&count=100`, first page)', () => ['?cursor=&count=100']],
  ];
  figures.load = {};
  for (const [label, paths] of phases) {
    const a = pct(await load(small, paths(small)));
    const b = pct(await load(large, paths(large)));
    figures.load[label] = { small: a, large: b };
    rows.push([
      label,
      `${a.rps}/s, p50 ${a.p50_ms} ms, p99 ${a.p99_ms} ms`,
      `${b.rps}/s, p50 ${b.p50_ms} ms, p99 ${b.p99_ms} ms`,
      (b.rps / a.rps).toFixed(2),
    ]);
  }

  // 4. The cursor walk per page, for comparison with the index walk.
  const cursorWalk = async (t, pages) => {
    const ms = [];
    let cursor = '';
    for (let p = 0; p < pages; p++) {
      const r = await get(t, `?cursor=${encodeURIComponent(cursor)}&count=${PAGE}`);
      ms.push(r.ms);
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    return ms;
  };
  const cs = walkRow('', await cursorWalk(small, SMALL / PAGE));
  const cl = walkRow('', await cursorWalk(large, WALK_PAGES));
  figures.cursorWalk = { small: cs, large: cl };

  const f = (x) => x.toFixed(1);
  console.log(
    `\nSCIM list scenarios, ${small.size} vs ${large.size} users (${figures.machine}); ${connections} connections, ${seconds} s per load phase\n`,
  );
  console.log(`| scenario | ${small.size} users | ${large.size} users | ratio (large / small) |`);
  console.log('|---|---|---|---|');
  const walkCells = (a, b, bold) => {
    const r = (b.mean / a.mean).toFixed(2);
    return `p50 ${f(a.p50)} ms, mean ${f(a.mean)}, p99 ${f(a.p99)} | p50 ${f(b.p50)} ms, mean ${f(b.mean)}, p99 ${f(b.p99)} | ${bold ? `**${r}**` : r} (mean), ${(b.p50 / a.p50).toFixed(2)} (p50) |`;
  };
  console.log(
    `| index walk, per page of ${PAGE} (sequential, one client; two passes over the same users: ${ws.pages} and ${wl.pages} pages) | ${walkCells(ws, wl, true)}`,
  );
  console.log(
    `| … its first pass (users not yet read; ${wsCold.pages} and ${wlCold.pages} pages, the large one's from its start and middle) | ${walkCells(wsCold, wlCold)}`,
  );
  console.log(`| … its second pass (the same users again; ${wsWarm.pages} and ${wlWarm.pages} pages) | ${walkCells(wsWarm, wlWarm)}`);
  console.log(
    `| cursor walk, per page of ${PAGE} (one client) | p50 ${f(cs.p50)} ms, mean ${f(cs.mean)} | p50 ${f(cl.p50)} ms, mean ${f(cl.mean)} | ${(cl.mean / cs.mean).toFixed(2)} (mean) |`,
  );
  for (const r of rows) console.log(`| ${r[0]} | ${r[1]} | ${r[2]} | ${r[3]} (requests/s) |`);
  console.log(
    `| jump without checkpoint to startIndex ${deep} / ${jumps.map((j) => j.start).join(' / ')} (one request each) | – | ${f(jumpMs)} / ${jumps.map((j) => f(j.ms)).join(' / ')} ms | – |`,
  );
  console.error(JSON.stringify(figures, null, 2));
} finally {
  await sleep(1000);
  app.kill('SIGTERM');
}
