// spar's keyspace is created from libs/persistence/schema/spar.cql itself (Wire's spar keyspace at
// wire-server df05bcaa, a DESCRIBE KEYSPACE dump): the 18 tables with their columns, keys,
// clustering order and table options, unchanged. Only the keyspace name is ours (configuration)
// and every CREATE TABLE gets IF NOT EXISTS; the keyspace itself, with the configured replication,
// is created by the runner. schema.spec.ts compares the live keyspace with the same file.
import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from './types';

/**
 * Where spar.cql is: next to the sources (libs/persistence/src/migrations → ../../schema) or, in a
 * build, where tools/build.mjs copies it (dist/libs/persistence/migrations → ../schema).
 */
export function sparCqlPath(): string {
  const candidates = [path.resolve(__dirname, '../../schema/spar.cql'), path.resolve(__dirname, '../schema/spar.cql')];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`spar.cql not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** The CREATE TABLE statements of a spar.cql dump, rewritten for keyspace `ks`. */
export function sparTableStatements(cql: string, ks: string): string[] {
  const statements = splitCql(cql).filter((s) => !/^CREATE KEYSPACE\b/i.test(s));
  return statements.map((s) => {
    const m = /^CREATE TABLE spar\.(\w+) \(/.exec(s);
    if (!m) throw new Error(`spar.cql: unexpected statement ${s.slice(0, 60)}...`);
    return `CREATE TABLE IF NOT EXISTS ${ks}.${m[1]} (${s.slice(m[0].length)}`;
  });
}

export const sparMigrations: Migration[] = [
  {
    version: 100,
    description: 'spar baseline: the 18 tables of wire-server spar (df05bcaa)',
    statements: (ks) => sparTableStatements(fs.readFileSync(sparCqlPath(), 'utf8'), ks),
  },
];

function splitCql(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean);
}
