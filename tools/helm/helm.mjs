#!/usr/bin/env node
// Helm for the chart's checks: built from the Go module proxy into .cache/helm/bin (no download of
// release binaries, which this project's machines cannot reach), then lint, render and validate.
//
//   node tools/helm/helm.mjs ensure   prints the path of helm, building it if needed
//   node tools/helm/helm.mjs check    lint --strict, render with every values set, validate
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifests, validateManifests } from './validate.mjs';

export const HELM_VERSION = 'v3.22.0';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chartDir = path.join(repoRoot, 'helm', 'sso');
const binDir = path.join(repoRoot, '.cache', 'helm', 'bin');
const helmBin = path.join(binDir, 'helm');

/** What production requires and the defaults leave empty (publicUrl, token keys, cursor key). */
export const requiredValuesFile = path.join(repoRoot, 'helm', 'test', 'required-values.yaml');

/** Values sets the chart is checked with: the defaults plus the required values, and each file in helm/sso/ci/. */
export function valuesSets() {
  const ciDir = path.join(chartDir, 'ci');
  const files = fs.existsSync(ciDir)
    ? fs
        .readdirSync(ciDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  return [{ name: 'defaults', files: [requiredValuesFile] }, ...files.map((f) => ({ name: f, files: [path.join(ciDir, f)] }))];
}

function installedVersion(bin) {
  try {
    return execFileSync(bin, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The path of a helm binary of HELM_VERSION: $HELM_BIN if set, else the cached build, else a fresh one. */
export function ensureHelm() {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  if (installedVersion(helmBin) === HELM_VERSION) return helmBin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0)
    throw new Error(
      `helm ${HELM_VERSION} is not in ${binDir} and Go is not available to build it (go version: ${go.error?.message ?? go.stderr})`,
    );
  // Build into a scratch GOBIN and move it in, so a concurrent or interrupted build never leaves a half binary.
  fs.mkdirSync(path.dirname(binDir), { recursive: true }); // a fresh clone has no .cache/helm yet
  const tmp = fs.mkdtempSync(path.join(path.dirname(binDir), 'build-'));
  try {
    process.stderr.write(`building helm ${HELM_VERSION} with ${go.stdout.trim()} (first run only)...\n`);
    const r = spawnSync(
      'go',
      [
        'install',
        '-ldflags',
        `-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
        `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: tmp, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
        stdio: ['ignore', 'inherit', 'inherit'],
        cwd: tmp,
      },
    );
    if (r.status !== 0) throw new Error(`go install helm.sh/helm/v3/cmd/helm@${HELM_VERSION} failed (exit ${r.status})`);
    fs.mkdirSync(binDir, { recursive: true });
    fs.renameSync(path.join(tmp, 'helm'), helmBin);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const v = installedVersion(helmBin);
  if (v !== HELM_VERSION) throw new Error(`built helm reports version ${v}, expected ${HELM_VERSION}`);
  return helmBin;
}

function run(helm, args) {
  const r = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

const valuesArgs = (files) => files.flatMap((f) => ['-f', f]);

/** `helm lint --strict`; returns { ok, output }. */
export function lint(helm, files = [], extra = []) {
  const r = run(helm, ['lint', '--strict', chartDir, ...valuesArgs(files), ...extra]);
  return { ok: r.ok, output: `${r.stdout}${r.stderr}` };
}

/** `helm template`; returns the rendered objects, or throws with helm's message. */
export function render(helm, files = [], extra = []) {
  const r = run(helm, ['template', 'sso', chartDir, '--namespace', 'sso', ...valuesArgs(files), ...extra]);
  if (!r.ok) throw new Error(`helm template failed: ${r.stderr || r.error?.message}`);
  return parseManifests(r.stdout);
}

/** Lint, render and validate every values set; returns a list of problems (empty: all good). */
export function checkChart(helm, log = () => {}) {
  const problems = [];
  for (const set of valuesSets()) {
    const l = lint(helm, set.files);
    log(`lint --strict (${set.name}): ${l.ok ? 'ok' : 'FAILED'}`);
    if (!l.ok) problems.push(`helm lint --strict (${set.name}):\n${l.output}`);
    let objects;
    try {
      objects = render(helm, set.files);
    } catch (e) {
      problems.push(`${set.name}: ${e.message}`);
      continue;
    }
    const errs = validateManifests(objects);
    log(`render + validate (${set.name}): ${objects.length} objects, ${errs.length} errors`);
    problems.push(...errs.map((e) => `${set.name}: ${e}`));
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2];
  try {
    if (cmd === 'ensure') {
      console.log(ensureHelm());
    } else if (cmd === 'check') {
      const problems = checkChart(ensureHelm(), (m) => console.log(m));
      for (const p of problems) console.error(p);
      if (problems.length > 0) process.exit(1);
      console.log('chart ok');
    } else {
      console.error('usage: node tools/helm/helm.mjs ensure|check');
      process.exit(2);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
