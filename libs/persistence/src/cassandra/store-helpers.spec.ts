import type { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { CassandraDb, ExecOptions } from './db';
import { IN_CHUNK, selectIn } from './store-helpers';

/** A CassandraDb stand-in that records each statement and answers one row per key asked. */
function recordingDb() {
  const calls: Array<{ name: string; params: unknown[]; opts: ExecOptions | undefined }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const db = {
    async execute(name: string, _cql: string, params: unknown[], opts?: ExecOptions) {
      calls.push({ name, params, opts });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const keys = params[params.length - 1] as number[];
      return { rows: keys.map((k) => ({ k }) as unknown as types.Row) } as unknown as types.ResultSet;
    },
  } as unknown as CassandraDb;
  return { db, calls, maxInFlight: () => maxInFlight };
}

describe('selectIn', () => {
  it('sends no statement for no keys', async () => {
    const { db, calls } = recordingDb();
    expect(
      await selectIn(
        db,
        't.get_many',
        'SELECT',
        [],
        (c) => [c],
        () => 1,
      ),
    ).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('splits the keys into IN lists of at most IN_CHUNK, in parallel, idempotent, with the bind values of each chunk', async () => {
    const { db, calls, maxInFlight } = recordingDb();
    const keys = Array.from({ length: 2 * IN_CHUNK + 1 }, (_, i) => i);
    const rows = await selectIn(
      db,
      't.get_many',
      'SELECT',
      keys,
      (chunk) => ['team', chunk],
      (r) => (r as unknown as { k: number }).k,
    );
    expect(calls.map((c) => (c.params[1] as number[]).length)).toEqual([IN_CHUNK, IN_CHUNK, 1]);
    expect(calls.every((c) => c.name === 't.get_many' && c.params[0] === 'team' && c.opts?.idempotent === true)).toBe(true);
    expect(maxInFlight()).toBe(3);
    expect(rows.sort((a, b) => a - b)).toEqual(keys);
  });

  it('drops the rows the mapper refuses', async () => {
    const { db } = recordingDb();
    const rows = await selectIn(
      db,
      't',
      'SELECT',
      [1, 2, 3, 4],
      (c) => [c],
      (r) => ((r as unknown as { k: number }).k % 2 ? null : (r as unknown as { k: number }).k),
    );
    expect(rows).toEqual([2, 4]);
  });
});
