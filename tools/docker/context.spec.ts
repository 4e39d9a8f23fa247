// No Docker engine here: check what can be checked without one. The build context that
// /.dockerignore leaves (computed with Docker's own matching rules), and the Dockerfile's shape.
import fs from 'node:fs';
import path from 'node:path';
import ignore from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8');
const ig = ignore().add(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8'));

/** Files Docker would send as the build context (ignored directories are not descended into). */
function contextFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (ig.ignores(rel)) continue;
    if (e.isDirectory()) out.push(...contextFiles(rel));
    else out.push(rel);
  }
  return out;
}

const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
const stageBody = (name: string) =>
  dockerfile.split(/^FROM\s/m).find((s) => new RegExp(`AS\\s+${name}\\s*$`, 'im').test(s.split('\n')[0]))!;

describe('docker build context', () => {
  const files = contextFiles();

  it('holds the sources and lockfile, and none of node_modules, dist, caches, git or the chart', () => {
    for (const f of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.base.json', 'libs/config/src/routes.json'])
      expect(files).toContain(f);
    const bad = files.filter((f) => /(^|\/)(node_modules|\.git|\.cache|\.nx)(\/|$)|^(dist|helm|docs|bench)\//.test(f));
    expect(bad).toEqual([]);
    const bytes = files.reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
    expect(bytes).toBeLessThan(50 * 1024 * 1024);
  });

  it('has every file the Dockerfile copies from the context', () => {
    const sources = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/).slice(0, -1));
    for (const s of sources.filter((x) => x !== '.')) expect(files, s).toContain(s);
  });
});

describe('docker/Dockerfile', () => {
  it('builds the three apps and the migration job as separate targets with the agreed entry points', () => {
    const entries: Record<string, string> = {
      'saml-sp': 'dist/apps/saml-sp/main.js',
      'scim-api': 'dist/apps/scim-api/main.js',
      'token-admin': 'dist/apps/token-admin/main.js',
      migrate: 'dist/tools/migrate/main.js',
    };
    for (const [target, entry] of Object.entries(entries)) {
      expect(stages).toContain(target);
      expect(stageBody(target)).toContain(`CMD ["node", "${entry}"]`);
    }
  });

  it('runs as a numeric non-root user on a Node 20 base, with production dependencies only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20[-.]/m);
    expect(stageBody('runtime')).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).not.toMatch(/^USER\s+(root|0)\b/m);
    expect(stageBody('prod-deps')).toMatch(/npm ci --omit=dev/);
  });
});
