// A command-line tool from PyPI, pinned to one version, in a virtualenv of its own under
// .cache/<name>/venv-<version>, installed on first use (tools/schemathesis, tools/scim-sanity).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, withLock } from './proc.mjs';

/**
 * The pinned PyPI package `name` (its command has the same name) at `version`, needing Python
 * `minPython` or later. `install()` makes sure it is installed and returns the path of its command;
 * concurrent callers (parallel test files) wait on one lock, so it installs once.
 */
export function pipTool(name, version, { minPython = [3, 9] } = {}) {
  const venv = path.join(cacheDir, name, `venv-${version}`);
  const bin = path.join(venv, 'bin', name);
  const python = path.join(venv, 'bin', 'python');
  const [needMajor, needMinor] = minPython;
  const log = (msg) => process.stderr.write(`[${name}] ${msg}\n`);

  const installedVersion = () => {
    if (!fs.existsSync(python)) return undefined;
    const r = spawnSync(python, ['-c', `import importlib.metadata as m; print(m.version("${name}"))`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };

  const findPython = () => {
    for (const cand of [process.env.PYTHON, 'python3'].filter(Boolean)) {
      const r = spawnSync(cand, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
      if (r.status === 0) {
        const [major, minor] = r.stdout.trim().split('.').map(Number);
        if (major === needMajor && minor >= needMinor) return cand;
        log(`${cand} is Python ${r.stdout.trim()}; ${name} ${version} needs ${needMajor}.${needMinor} or later`);
      }
    }
    throw new Error(`no Python ${needMajor}.${needMinor}+ with the venv module found (install python3 and python3-venv, or set PYTHON)`);
  };

  const install = () =>
    withLock(name, async () => {
      if (installedVersion() === version) return bin;
      const py = findPython();
      log(`installing ${name} ${version} into ${venv}`);
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
      execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', `${name}==${version}`], out);
      const got = installedVersion();
      if (got !== version) throw new Error(`${name} ${version} did not install (found ${got ?? 'nothing'}) in ${venv}`);
      return bin;
    });

  /** When `moduleUrl` is the script node runs: `<script> install` installs and prints the command's path. */
  const cli = (moduleUrl) => {
    if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
    if (process.argv[2] !== 'install') {
      console.error(`usage: ${path.basename(process.argv[1])} install`);
      process.exit(2);
    }
    install().then(
      (p) => (console.log(p), process.exit(0)),
      (e) => (console.error(`[${name}] ${e.message}`), process.exit(1)),
    );
  };

  return { version, install, cli };
}
