import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

/** The module boundaries of docs/design.md §2 are real: each forbidden import is refused. */
describe('module boundaries', () => {
  let eslint: ESLint;
  /** For files that do not exist (`x.ts` below): no type information, so the type-aware rules are off. */
  let untyped: ESLint;

  beforeAll(() => {
    // The Nx lint rule reads the cached project graph; compute it first.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    eslint = new ESLint({ cwd: root });
    untyped = new ESLint({
      cwd: root,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: { parserOptions: { projectService: false } },
        rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
      },
    });
  }, 60_000);

  const boundaryErrors = async (file: string, code: string) => {
    const [result] = await untyped.lintText(code, { filePath: path.join(root, file) });
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
  };

  it.each([
    ['libs/domain/src/x.ts', "import { CassandraDb } from '@sso/persistence';", 'domain imports nothing of ours'],
    ['libs/domain/src/x.ts', "import { z } from 'zod';", 'domain imports no package'],
    ['libs/persistence/src/x.ts', "import { Injectable } from '@nestjs/common';", 'persistence stays framework-free'],
    ['libs/config/src/x.ts', "import cassandra from 'cassandra-driver';", 'only persistence imports cassandra-driver'],
    ['libs/platform/src/x.ts', "import cassandra from 'cassandra-driver';", 'only persistence imports cassandra-driver'],
    ['apps/saml-sp/src/x.ts', "import cassandra from 'cassandra-driver';", 'apps go through persistence'],
    ['apps/saml-sp/src/x.ts', "import { scimApi } from '../../scim-api/src/app';", 'apps never import each other'],
    ['libs/persistence/src/x.ts', "import { sharedTestDb } from '@sso/testing';", 'production code never imports the test harness'],
    ['libs/platform/src/x.ts', "import { startTestApp } from '@sso/testing';", 'production code never imports the test harness'],
    ['libs/scim/src/x.ts', "import { CassandraDb } from '@sso/persistence';", 'protocol libs do no I/O'],
    ['libs/auth/src/x.ts', "import { Injectable } from '@nestjs/common';", 'auth stays framework-free'],
  ])('%s: %s is refused (%s)', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport const used = 1;\n`)).not.toHaveLength(0);
  });

  it.each([
    ['libs/persistence/src/x.ts', "import type { Config } from '@sso/config';"],
    ['apps/saml-sp/src/x.ts', "import { runApp } from '@sso/platform';"],
    ['apps/saml-sp/src/x.spec.ts', "import { startTestApp } from '@sso/testing';"],
    ['libs/persistence/src/x.spec.ts', "import { sharedTestDb } from './testing';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });

  it('the whole workspace lints clean', async () => {
    const results = await eslint.lintFiles(['.']);
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(errors).toEqual([]);
  }, 180_000);

  it('the whole workspace is formatted (prettier --check, as npm run lint)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--list-different', '.'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').filter(Boolean)).toEqual([]);
  }, 120_000);
});
