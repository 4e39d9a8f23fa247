import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import path from 'node:path';

const lib = (p: string) => path.resolve(import.meta.dirname, 'libs', p);
const alias = [
  { find: /^@sso\/persistence\/testing$/, replacement: lib('persistence/src/testing/index.ts') },
  { find: /^@sso\/persistence\/contract$/, replacement: lib('persistence/src/contract/index.ts') },
  ...['auth', 'config', 'domain', 'persistence', 'platform', 'saml', 'scim', 'testing'].map((name) => ({
    find: new RegExp(`^@sso/${name}$`),
    replacement: lib(`${name}/src/index.ts`),
  })),
];

const allTests = ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'tools/**/*.spec.ts', 'helm/**/*.spec.ts', 'e2e/**/*.spec.ts'];
/** The integration tier: by suffix (the infrastructure the file needs) or by folder. */
export const integrationTests = [
  '**/*.cassandra.spec.ts',
  '**/*.redis.spec.ts',
  '**/*.integration.spec.ts',
  'apps/*/test/**/*.spec.ts',
  'e2e/**/*.spec.ts',
  'helm/test/**/*.spec.ts',
];

export default defineConfig({
  // swc, not esbuild: Nest's dependency injection needs decorator metadata.
  plugins: [
    swc.vite({
      tsconfigFile: false,
      module: { type: 'es6' },
      jsc: {
        target: 'es2023',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
    }),
  ],
  resolve: { alias },
  test: {
    // Two tiers (docs/development.md, "Tests"). `unit`: everything that needs no Cassandra, Redis,
    // JVM or network: libs, apps on the memory twins, memory contract suites. `integration`:
    // what the file name or folder says needs the real thing.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: allTests,
          exclude: [...integrationTests, '**/node_modules/**'],
          // The guard: a unit test that opens a Cassandra or Redis client fails at once, naming the rule.
          setupFiles: ['libs/testing/src/setup.ts', 'libs/testing/src/unit-setup.ts'],
          // Nothing shared between files: every core, and the modules loaded once per worker
          // instead of once per file (a third of the time). So a unit test leaves no global
          // changed: stubbed env and globals and mocks are undone after each test.
          maxWorkers: '100%',
          isolate: false,
          unstubEnvs: true,
          unstubGlobals: true,
          restoreMocks: true,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integrationTests,
          setupFiles: ['libs/testing/src/setup.ts'],
          // Starts Cassandra and Redis when none answer, migrates the test keyspaces.
          globalSetup: ['libs/testing/src/global-setup.ts'],
          // Two cores and one Cassandra node: test files run one after another.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.cache/test-results.json' }]],
  },
});
