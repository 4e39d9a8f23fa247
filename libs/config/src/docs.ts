import { envHelp } from './help';
import { envBindings } from './load';
import { configSchema } from './schema';

function valueAt(tree: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), tree);
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (Array.isArray(v)) return v.length ? `\`${v.join(',')}\`` : '(empty)';
  if (typeof v === 'object') return `\`${JSON.stringify(v)}\``;
  return `\`${String(v)}\``;
}

/** docs/configuration.md, generated from the schema, the env bindings and their help lines. */
export function renderConfigDocs(): string {
  const defaults = configSchema.parse({});
  const rows = envBindings.map((b) => `| \`${b.env}\` | \`${b.path}\` | ${show(valueAt(defaults, b.path))} | ${envHelp[b.env] ?? ''} |`);
  return [
    '# Configuration',
    '',
    '<!-- Generated from libs/config (schema.ts, load.ts, help.ts) by `UPDATE_DOCS=1 npx vitest run libs/config`; a test fails when it is stale. -->',
    '',
    'Every app reads the same validated configuration: environment variables, optionally on top of a',
    'YAML file named by `CONFIG_FILE` whose keys are the config paths below (`cassandra.localDataCenter`',
    'is `cassandra: {localDataCenter: ...}`). A bad or unknown value stops the app with a message naming',
    'the key and where it came from (exit code 78).',
    '',
    '| variable | config key | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
