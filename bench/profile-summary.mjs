#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof) by self time per package and per function, and by
// inclusive time per function: where an app's CPU goes under a bench.
//   node bench/profile-summary.mjs [--after-idle] <file.cpuprofile> [top=25] [inclusive-filter-regexp]
// Each sample counts as the profile's median sampling interval, not as its own time delta: on a
// busy machine a delta also spans the time the process waited for a core, which says nothing about
// the function that happened to be sampled.
// --after-idle: only the samples after the longest idle stretch (under bench/acs/acs.mjs, saml-sp
// idles while the bench times phases A and B in its own process; what follows is the HTTP logins).
// Packages: node_modules/<pkg> (scoped too), dist/libs/<lib>, dist/apps/<app>, node: internals,
// and V8's own nodes ((garbage collector), (program), (idle)). Idle time is left out of the shares.
import fs from 'node:fs';

const args = process.argv.slice(2);
const afterIdle = args[0] === '--after-idle';
const [file, topArg, filter] = afterIdle ? args.slice(1) : args;
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [inclusive-filter-regexp]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function pkg(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.match(/\/dist\/(libs|apps)\/([^/]+)/);
  if (dist) return `${dist[1]}/${dist[2]}`;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.replace(/^file:\/\//, '');
}

function category(node) {
  const { functionName, url } = node.callFrame;
  if (!url && functionName.startsWith('(')) return functionName;
  return pkg(url) || '(native)';
}

const fnKey = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${pkg(url)}:${lineNumber + 1}`;
};

const self = new Map();
const selfFn = new Map();
const incl = new Map();
let total = 0;
const { samples, timeDeltas } = profile;

/**
 * Index of the first sample after the longest run of idle samples (by time) that still has a
 * quarter of the busy samples after it (the app also idles after the last request, until stopped).
 */
function afterLongestIdle() {
  const isIdle = (i) => byId.get(samples[i]).callFrame.functionName === '(idle)';
  const busyAfter = new Array(samples.length + 1).fill(0);
  for (let i = samples.length - 1; i >= 0; i--) busyAfter[i] = busyAfter[i + 1] + (isIdle(i) ? 0 : 1);
  let best = { us: 0, end: 0 };
  let run = 0;
  for (let i = 0; i < samples.length; i++) {
    if (!isIdle(i)) {
      run = 0;
      continue;
    }
    run += timeDeltas[i] ?? 0;
    if (run > best.us && busyAfter[i + 1] >= busyAfter[0] / 4) best = { us: run, end: i + 1 };
  }
  return best.end;
}
const first = afterIdle ? afterLongestIdle() : 0;
const interval = [...timeDeltas].sort((a, b) => a - b)[timeDeltas.length >> 1] ?? 0;
for (let i = first; i < samples.length; i++) {
  const us = interval;
  const node = byId.get(samples[i]);
  const cat = category(node);
  if (cat === '(idle)') continue;
  total += us;
  self.set(cat, (self.get(cat) ?? 0) + us);
  selfFn.set(fnKey(node), (selfFn.get(fnKey(node)) ?? 0) + us);
  const seen = new Set();
  for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
    const k = fnKey(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + us);
  }
}

const row = ([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`;
const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
console.log(`busy samples (idle left out): ${Math.round(total / interval)}, ${(total / 1000).toFixed(0)} ms at ${interval} us each`);
console.log('\n== self time by package');
for (const r of sorted(self).slice(0, top)) console.log(row(r));
console.log('\n== self time by function');
for (const r of sorted(selfFn).slice(0, top)) console.log(row(r));
console.log(`\n== inclusive time by function${filter ? ` (matching /${filter}/)` : ''}`);
const re = filter ? new RegExp(filter) : null;
for (const r of sorted(incl)
  .filter(([k]) => !re || re.test(k))
  .slice(0, top))
  console.log(row(r));
