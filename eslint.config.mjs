// Lint: the module boundaries of docs/design.md §2, enforced with Nx tags (and tested by
// tools/lint/boundaries.integration.spec.ts); typescript-eslint's recommended rules plus the
// type-aware promise rules (a forgotten `await` in a handler is a lost write). Type errors are
// tsc's job; formatting is Prettier's (`prettier --check`, part of `npm run lint`).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const nest = ['@nestjs/*', 'fastify', '@fastify/*'];

/** `test` is ['type:testing'] for test code, which may use the harness, and [] for the rest. */
function constraints(test) {
  return [
    // domain: types and rules with no I/O; nothing of ours, no framework.
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: [],
      allowedExternalImports: ['node:crypto', ...(test.length ? ['vitest', 'fast-check'] : [])],
    },
    { sourceTag: 'type:config', onlyDependOnLibsWithTags: [...test], bannedExternalImports: [...nest, 'cassandra-driver'] },
    // Only persistence talks to Cassandra; it knows nothing of Nest.
    { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: ['type:domain', 'type:config', ...test], bannedExternalImports: nest },
    {
      sourceTag: 'type:protocol',
      onlyDependOnLibsWithTags: ['type:domain', ...test],
      bannedExternalImports: [...nest, 'cassandra-driver'],
    },
    {
      sourceTag: 'type:auth',
      onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:persistence', ...test],
      bannedExternalImports: [...nest, 'cassandra-driver'],
    },
    // Only platform and apps use Nest.
    {
      sourceTag: 'type:platform',
      onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:persistence', 'type:auth', ...test],
      bannedExternalImports: ['cassandra-driver'],
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:persistence', 'type:auth', 'type:platform', 'type:testing'],
      bannedExternalImports: ['cassandra-driver'],
    },
    // Apps import libs, never each other (no lib carries type:app).
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:persistence', 'type:protocol', 'type:auth', 'type:platform', ...test],
      bannedExternalImports: ['cassandra-driver'],
    },
    {
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:persistence', 'type:auth', 'type:platform', ...test],
    },
  ];
}

const boundaries = (testCode) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  ignoredCircularDependencies: [],
  depConstraints: constraints(testCode ? ['type:testing'] : []),
});

export const testFiles = [
  '**/*.spec.ts',
  '**/*.contract.ts',
  'libs/testing/**/*.ts',
  'e2e/**/*.ts',
  'apps/*/test/**/*.ts',
  'bench/**/*.ts',
];

export default [
  { ignores: ['**/node_modules/**', 'dist/**', '.cache/**', '.nx/**', 'coverage/**', 'helm/**', 'docker/**'] },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts', '**/*.mts'] })),
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        ecmaVersion: 2023,
        sourceType: 'module',
        projectService: { allowDefaultProject: ['vitest.config.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed names are deliberately unused (destructuring a field away, a required parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] } },
];
