// A rendered chart's pods as local processes: the container's command (the image's CMD, read from
// docker/Dockerfile), its environment (the image's ENV, envFrom, env) and its mounted ConfigMaps and
// Secrets as files under a temporary root, every mount path in the environment re-rooted there.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  [k: string]: any;
};

export const repoRoot = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');

/** The Dockerfile's stages by name, with their parent (`FROM <parent> AS <name>`). */
function stage(name: string): { parent: string; body: string } {
  for (const part of dockerfile.split(/^FROM\s/m).slice(1)) {
    const m = /^(\S+)\s+AS\s+(\S+)\s*$/im.exec(part.split('\n')[0]);
    if (m && m[2] === name) return { parent: m[1], body: part };
  }
  throw new Error(`docker/Dockerfile has no stage ${name}`);
}

/** The CMD of a target (exec form), as the image runs it. */
export function imageCommand(target: string): string[] {
  for (let s: string | undefined = target; s;) {
    const { parent, body } = stage(s);
    const m = /^CMD\s+(\[.*\])\s*$/m.exec(body);
    if (m) return JSON.parse(m[1]) as string[];
    s = dockerfile.includes(` AS ${parent}`) ? parent : undefined;
  }
  throw new Error(`docker/Dockerfile: no CMD for target ${target}`);
}

/** The ENV of a target and the stages it derives from (`ENV A=b C=d` form). */
export function imageEnv(target: string): Record<string, string> {
  const chain: string[] = [];
  for (let s: string | undefined = target; s;) {
    chain.unshift(s);
    const { parent } = stage(s);
    s = dockerfile.includes(` AS ${parent}`) ? parent : undefined;
  }
  const env: Record<string, string> = {};
  for (const s of chain)
    for (const m of stage(s).body.matchAll(/^ENV\s+(.+)$/gm))
      for (const kv of m[1].trim().split(/\s+/)) env[kv.split('=')[0]] = kv.slice(kv.indexOf('=') + 1);
  return env;
}

/** Secret and ConfigMap contents by name: the rendered ones, plus the operator's (existingSecret). */
export function objectStore(objs: K8sObject[], existingSecrets: Record<string, Record<string, string>>) {
  const secrets = new Map<string, Record<string, string>>(Object.entries(existingSecrets));
  const configMaps = new Map<string, Record<string, string>>();
  for (const o of objs) {
    if (o.kind === 'Secret') {
      const data = Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      secrets.set(o.metadata.name, { ...data, ...(o.stringData ?? {}) });
    }
    if (o.kind === 'ConfigMap') configMaps.set(o.metadata.name, o.data ?? {});
  }
  const get = (kind: 'Secret' | 'ConfigMap', name: string, optional = false): Record<string, string> | undefined => {
    const v = (kind === 'Secret' ? secrets : configMaps).get(name);
    if (!v && !optional) throw new Error(`the pod needs ${kind} ${name}, which neither the chart nor the test provides`);
    return v;
  };
  return { secret: (n: string, o?: boolean) => get('Secret', n, o), configMap: (n: string, o?: boolean) => get('ConfigMap', n, o) };
}

export interface LocalPod {
  command: string[];
  env: Record<string, string>;
  /** Mount path -> local folder. */
  mounts: Record<string, string>;
}

/** The container of a Deployment or Job as a local process: command, environment, files under `root`. */
export function localPod(owner: K8sObject, store: ReturnType<typeof objectStore>, root: string): LocalPod {
  const spec = owner.spec.template.spec;
  if (spec.containers.length !== 1) throw new Error(`${owner.metadata.name}: expected one container`);
  const c = spec.containers[0];
  if (c.command || c.args) throw new Error(`${owner.metadata.name}: the container overrides the image's command`);
  const target = c.name as string;
  const env: Record<string, string> = { ...imageEnv(target) };
  for (const from of c.envFrom ?? []) {
    const src = from.configMapRef
      ? store.configMap(from.configMapRef.name, from.configMapRef.optional)
      : store.secret(from.secretRef.name, from.secretRef.optional);
    Object.assign(env, src ?? {});
  }
  for (const e of c.env ?? []) {
    if ('value' in e) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const r = e.valueFrom.secretKeyRef;
      const v = store.secret(r.name, r.optional)?.[r.key];
      if (v === undefined && !r.optional) throw new Error(`${owner.metadata.name}: env ${e.name}: Secret ${r.name} has no key ${r.key}`);
      if (v !== undefined) env[e.name] = v;
    } else if (e.valueFrom?.configMapKeyRef) {
      const r = e.valueFrom.configMapKeyRef;
      const v = store.configMap(r.name, r.optional)?.[r.key];
      if (v === undefined && !r.optional) throw new Error(`${owner.metadata.name}: env ${e.name}: ConfigMap ${r.name} has no key ${r.key}`);
      if (v !== undefined) env[e.name] = v;
    } else throw new Error(`${owner.metadata.name}: env ${e.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
  }
  const mounts: Record<string, string> = {};
  for (const m of c.volumeMounts ?? []) {
    const vol = spec.volumes.find((v: any) => v.name === m.name);
    if (!vol) throw new Error(`${owner.metadata.name}: volumeMount ${m.name} has no volume`);
    const dir = path.join(root, m.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    mounts[m.mountPath] = dir;
    const files = vol.secret
      ? store.secret(vol.secret.secretName)!
      : vol.configMap
        ? store.configMap(vol.configMap.name)!
        : vol.emptyDir
          ? {}
          : undefined;
    if (!files) throw new Error(`${owner.metadata.name}: unsupported volume ${JSON.stringify(vol)}`);
    const items: Array<{ key: string; path: string }> =
      (vol.secret ?? vol.configMap)?.items ?? Object.keys(files).map((k) => ({ key: k, path: k }));
    for (const it of items) {
      if (files[it.key] === undefined) throw new Error(`${owner.metadata.name}: volume ${m.name}: no key ${it.key}`);
      fs.mkdirSync(path.dirname(path.join(dir, it.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, it.path), files[it.key], { mode: 0o440 });
    }
  }
  // Paths into mounted folders, re-rooted (longest mount first).
  const byLength = Object.keys(mounts).sort((a, b) => b.length - a.length);
  for (const [k, v] of Object.entries(env)) {
    const mp = byLength.find((p) => v === p || v.startsWith(`${p}/`));
    if (mp) env[k] = mounts[mp] + v.slice(mp.length);
  }
  return { command: imageCommand(target), env, mounts };
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/** Runs a pod's command from the repository root (the image's /app holds dist/ the same way) with exactly `env`. */
export function runPod(pod: LocalPod): Proc {
  const [cmd, ...args] = pod.command;
  if (cmd !== 'node') throw new Error(`unexpected command ${cmd}`);
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: pod.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    }
    return exit;
  };
  return { child, output: () => out, exit, stop };
}

/** Polls a URL until it answers `status`; fails early, with the process output, when the process exits. */
export async function waitForStatus(url: string, proc: Proc, status = 200, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`exited with ${proc.child.exitCode} before ${url} answered ${status}:\n${proc.output()}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (r.status === status) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer ${status} within ${timeoutMs / 1000}s (last: ${last}):\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
