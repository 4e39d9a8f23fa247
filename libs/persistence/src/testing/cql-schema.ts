import type { CassandraDb } from '../cassandra/db';

/** The shape of one table, as far as the schema contract goes. */
interface TableShape {
  columns: Record<string, string>;
  partitionKey: string[];
  clustering: Array<{ column: string; order: 'ASC' | 'DESC' }>;
  compaction: string;
  bloomFilterFpChance: number;
  defaultTtl: number;
}

/** Parses the CREATE TABLE statements of a `DESCRIBE KEYSPACE`-style file. */
export function parseCqlSchema(text: string): Record<string, TableShape> {
  const tables: Record<string, TableShape> = {};
  for (const stmt of text.split(';').map((s) => s.trim())) {
    const head = /^CREATE TABLE (?:IF NOT EXISTS )?(?:\w+\.)?(\w+) \(([\s\S]*?)\n\)(?: WITH ([\s\S]*))?$/.exec(stmt);
    if (!head) continue;
    const [, name, body, options = ''] = head;
    const columns: Record<string, string> = {};
    let partitionKey: string[] = [];
    let clusteringCols: string[] = [];
    for (const line of body.split(/,\n/).map((l) => l.trim())) {
      const pk = /^PRIMARY KEY \((.*)\)$/.exec(line);
      if (pk) {
        const inner = pk[1].trim();
        const composite = /^\(([^)]*)\)\s*(?:,\s*(.*))?$/.exec(inner);
        const parts = composite
          ? [
              composite[1].split(',').map((s) => s.trim()),
              (composite[2] ?? '')
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            ]
          : [
              [inner.split(',')[0].trim()],
              inner
                .split(',')
                .slice(1)
                .map((s) => s.trim()),
            ];
        partitionKey = parts[0];
        clusteringCols = parts[1];
        continue;
      }
      const col = /^(\w+) (.+?)( PRIMARY KEY)?$/.exec(line);
      if (!col) throw new Error(`cannot parse column line in ${name}: ${line}`);
      columns[col[1]] = col[2];
      if (col[3]) partitionKey = [col[1]];
    }
    const orders = new Map<string, 'ASC' | 'DESC'>();
    const co = /CLUSTERING ORDER BY \(([^)]*)\)/.exec(options);
    for (const part of co ? co[1].split(',') : []) {
      const [c, o] = part.trim().split(/\s+/);
      orders.set(c, o.toUpperCase() as 'ASC' | 'DESC');
    }
    tables[name] = {
      columns,
      partitionKey,
      clustering: clusteringCols.map((c) => ({ column: c, order: orders.get(c) ?? 'ASC' })),
      compaction: /'class': '([^']+)'/.exec(/compaction = \{[^}]*\}/.exec(options)?.[0] ?? '')?.[1] ?? '',
      bloomFilterFpChance: Number(/bloom_filter_fp_chance = ([\d.]+)/.exec(options)?.[1] ?? NaN),
      defaultTtl: Number(/default_time_to_live = (\d+)/.exec(options)?.[1] ?? NaN),
    };
  }
  return tables;
}

/** Reads the same shape for every table of a live keyspace from system_schema. */
export async function liveSchema(db: CassandraDb, keyspace: string): Promise<Record<string, TableShape>> {
  const tables: Record<string, TableShape> = {};
  const trs = await db.execute(
    'test.schema.tables',
    'SELECT table_name, compaction, bloom_filter_fp_chance, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?',
    [keyspace],
  );
  for (const t of trs.rows) {
    tables[t.table_name] = {
      columns: {},
      partitionKey: [],
      clustering: [],
      compaction: t.compaction.class,
      bloomFilterFpChance: t.bloom_filter_fp_chance,
      defaultTtl: t.default_time_to_live,
    };
  }
  const crs = await db.execute(
    'test.schema.columns',
    'SELECT table_name, column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = ?',
    [keyspace],
  );
  const pk: Record<string, Array<[number, string]>> = {};
  const ck: Record<string, Array<[number, string, string]>> = {};
  for (const c of crs.rows) {
    const t = tables[c.table_name];
    t.columns[c.column_name] = c.type;
    if (c.kind === 'partition_key') (pk[c.table_name] ??= []).push([c.position, c.column_name]);
    if (c.kind === 'clustering') (ck[c.table_name] ??= []).push([c.position, c.column_name, c.clustering_order]);
  }
  for (const [name, t] of Object.entries(tables)) {
    t.partitionKey = (pk[name] ?? []).sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    t.clustering = (ck[name] ?? [])
      .sort((a, b) => a[0] - b[0])
      .map(([, column, order]) => ({ column, order: order.toUpperCase() as 'ASC' | 'DESC' }));
  }
  return tables;
}
