#!/usr/bin/env node
// scim-sanity (PyPI), a third-party SCIM 2.0 conformance probe, in a virtualenv under
// .cache/scim-sanity, installed on first use at the exact version below; e2e/scim-sanity.spec.ts
// calls `install`.
//   node tools/scim-sanity/scim-sanity.mjs install   prints the path of the `scim-sanity` binary
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, withLock } from '../lib/proc.mjs';

export const VERSION = '0.7.4';
const PACKAGE = 'scim-sanity';
const venv = path.join(cacheDir, 'scim-sanity', `venv-${VERSION}`);
const bin = path.join(venv, 'bin', 'scim-sanity');
const python = path.join(venv, 'bin', 'python');

function log(msg) {
  process.stderr.write(`[scim-sanity] ${msg}\n`);
}

function installedVersion() {
  if (!fs.existsSync(python)) return undefined;
  const r = spawnSync(python, ['-c', `import importlib.metadata as m; print(m.version("${PACKAGE}"))`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function findPython() {
  for (const cand of [process.env.PYTHON, 'python3'].filter(Boolean)) {
    const r = spawnSync(cand, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.status === 0) {
      const [major, minor] = r.stdout.trim().split('.').map(Number);
      // scim-sanity declares Python 3.9 or later.
      if (major === 3 && minor >= 9) return cand;
      log(`${cand} is Python ${r.stdout.trim()}; scim-sanity ${VERSION} needs 3.9 or later`);
    }
  }
  throw new Error('no Python 3.9+ with the venv module found (install python3 and python3-venv, or set PYTHON)');
}

/** Makes sure the pinned scim-sanity is installed; returns the path of its command. */
export async function install() {
  return withLock('scim-sanity', async () => {
    if (installedVersion() === VERSION) return bin;
    const py = findPython();
    log(`installing scim-sanity ${VERSION} into ${venv}`);
    fs.rmSync(venv, { recursive: true, force: true });
    const out = { stdio: ['ignore', 2, 2] };
    if (spawnSync(py, ['-m', 'venv', venv], out).status !== 0) {
      // Debian ships venv without ensurepip until python3-venv is installed.
      if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
        throw new Error(`${py} -m venv failed: install the venv module (Debian: apt-get install python3-venv)`);
      }
      log('installing python3-venv with apt-get');
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], { ...out, env });
      fs.rmSync(venv, { recursive: true, force: true });
      execFileSync(py, ['-m', 'venv', venv], out);
    }
    execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', `${PACKAGE}==${VERSION}`], out);
    const got = installedVersion();
    if (got !== VERSION) throw new Error(`scim-sanity ${VERSION} did not install (found ${got ?? 'nothing'}) in ${venv}`);
    return bin;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] !== 'install') {
    console.error('usage: scim-sanity.mjs install');
    process.exit(2);
  }
  install().then(
    (p) => (console.log(p), process.exit(0)),
    (e) => (console.error(`[scim-sanity] ${e.message}`), process.exit(1)),
  );
}
