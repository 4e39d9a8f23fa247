import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import path from 'node:path';

const lib = (p: string) => path.resolve(import.meta.dirname, 'libs', p);
const alias = [
  { find: /^@sso\/persistence\/testing$/, replacement: lib('persistence/src/testing/index.ts') },
  ...['auth', 'config', 'domain', 'persistence', 'platform', 'saml', 'scim', 'testing'].map((name) => ({
    find: new RegExp(`^@sso/${name}$`),
    replacement: lib(`${name}/src/index.ts`),
  })),
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
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'tools/**/*.spec.ts', 'helm/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    setupFiles: ['libs/testing/src/setup.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    // Two cores and one Cassandra node: test files run one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.cache/test-results.json' }]],
  },
});
