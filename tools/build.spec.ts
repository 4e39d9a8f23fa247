import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

function* files(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** tools/build.mjs into a temporary directory: what the image would ship. */
describe('the build (tools/build.mjs)', () => {
  let out: string;
  let built: string[];

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-build-'));
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs'), '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    built = [...files(out)].map((f) => path.relative(out, f).split(path.sep).join('/'));
  }, 120_000);
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('holds the programs: the three apps, the admin CLI, migrate, keys and the gateway', () => {
    for (const f of [
      'apps/saml-sp/main.js',
      'apps/scim-api/main.js',
      'apps/token-admin/main.js',
      'apps/token-admin/cli.js',
      'tools/migrate/main.js',
      'tools/keys/main.js',
      'tools/dev/gateway.js',
    ]) {
      expect(built).toContain(f);
    }
  });

  it('leaves out the helpers only tests use', () => {
    const testOnly = built.filter((f) =>
      /^libs\/testing\/|^libs\/persistence\/testing\/|\.contract\.|\.spec\.|\/test-ports\.js|\/test\//.test(f),
    );
    expect(testOnly).toEqual([]);
  });

  it('resolves every relative require of the output to a file in the output', () => {
    const missing: string[] = [];
    for (const f of built.filter((b) => b.endsWith('.js'))) {
      const code = fs.readFileSync(path.join(out, f), 'utf8');
      for (const m of code.matchAll(/require\("(\.[^"]+)"\)/g)) {
        const target = path.resolve(path.dirname(path.join(out, f)), m[1]!);
        if (
          ![target, `${target}.js`, `${target}.json`, path.join(target, 'index.js')].some(
            (t) => fs.existsSync(t) && fs.statSync(t).isFile(),
          )
        ) {
          missing.push(`${f} -> ${m[1]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('ships spar.cql where the built spar migration finds it', () => {
    expect(fs.readFileSync(path.join(out, 'libs/persistence/schema/spar.cql'), 'utf8')).toBe(
      fs.readFileSync(path.join(root, 'libs/persistence/schema/spar.cql'), 'utf8'),
    );
    const script = `const m = require(${JSON.stringify(path.join(out, 'libs/persistence/migrations/spar.js'))}); process.stdout.write(JSON.stringify([m.sparCqlPath(), m.sparMigrations[0].statements('k').length]))`;
    const [where, count] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as [string, number];
    expect(where).toBe(path.join(out, 'libs/persistence/schema/spar.cql'));
    expect(count).toBe(18);
  });
});
