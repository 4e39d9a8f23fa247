import { randomUUID } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sharedTestDb } from '../testing';
import type { CassandraDb } from './db';
import { PartitionCas } from './partition-cas';

const { errors } = cassandra;

describe('compare-and-sets gathered per partition (real Cassandra, spar.scim_external)', () => {
  let db: CassandraDb;
  let table: string;
  beforeAll(async () => {
    db = await sharedTestDb();
    table = `${db.config.keyspaces.spar}.scim_external`;
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => db?.shutdown());

  const claim = (team: string, externalId: string, uid: string) => ({
    name: 'test.claim',
    query: `INSERT INTO ${table} (team, external_id, "user", creation_status) VALUES (?, ?, ?, 1) IF NOT EXISTS`,
    params: [team, externalId, uid],
    row: externalId,
  });
  const owner = async (team: string, externalId: string) =>
    (await db.execute('test.get', `SELECT "user" FROM ${table} WHERE team = ? AND external_id = ?`, [team, externalId]))
      .first()
      ?.user?.toString();
  const rounds = () => ({ batches: vi.spyOn(db, 'casBatch'), singles: vi.spyOn(db, 'execute') });

  it('runs 24 concurrent claims on one partition in a few Paxos rounds, each applied', async () => {
    const cas = new PartitionCas(db, 'test.batch');
    const team = randomUUID();
    const uids = Array.from({ length: 24 }, () => randomUUID());
    const { batches, singles } = rounds();
    const results = await Promise.all(uids.map((u, i) => cas.run(team, claim(team, `e${i}`, u))));
    expect(results.every((rs) => rs.wasApplied())).toBe(true);
    expect(batches.mock.calls.length).toBeGreaterThan(0);
    expect(batches.mock.calls.length + singles.mock.calls.length).toBeLessThanOrEqual(4);
    for (const [i, u] of uids.entries()) expect(await owner(team, `e${i}`)).toBe(u);
  });

  it('keeps partitions apart: claims of two teams never share a round', async () => {
    const cas = new PartitionCas(db, 'test.batch');
    const [t1, t2] = [randomUUID(), randomUUID()];
    const { batches } = rounds();
    await Promise.all(
      [1, 2, 3].flatMap((i) => [cas.run(t1, claim(t1, `x${i}`, randomUUID())), cas.run(t2, claim(t2, `x${i}`, randomUUID()))]),
    );
    expect(batches.mock.calls.length).toBeGreaterThan(0);
    for (const [, queries] of batches.mock.calls) {
      const teams = new Set(queries.map((q) => String(q.params[0])));
      expect(teams.size).toBe(1);
    }
  });

  it('keeps a round under the batch size warning: long externalIds go in smaller rounds', async () => {
    const cas = new PartitionCas(db, 'test.batch');
    const team = randomUUID();
    const long = (i: number) => `${i}-${'x'.repeat(1000)}`;
    const uids = Array.from({ length: 12 }, () => randomUUID());
    const { batches } = rounds();
    const results = await Promise.all(uids.map((u, i) => cas.run(team, claim(team, long(i), u))));
    expect(results.every((rs) => rs.wasApplied())).toBe(true);
    expect(batches.mock.calls.length).toBeGreaterThan(1);
    for (const [, queries] of batches.mock.calls) {
      const bytes = queries.reduce((n, q) => n + q.params.reduce<number>((m, p) => m + String(p).length, 0), 0);
      expect(bytes).toBeLessThanOrEqual(4096);
    }
    for (const [i, u] of uids.entries()) expect(await owner(team, long(i))).toBe(u);
  });

  it('answers each statement of a round that one failed condition refused', async () => {
    const cas = new PartitionCas(db, 'test.batch');
    const team = randomUUID();
    const theirs = randomUUID();
    await db.execute('test.claim', claim(team, 'taken', theirs).query, [team, 'taken', theirs]);
    const mine = Array.from({ length: 8 }, () => randomUUID());
    const first = cas.run(team, claim(team, 'warm', randomUUID())); // holds the partition: the rest wait and gather
    const results = await Promise.all([
      cas.run(team, claim(team, 'taken', mine[0]!)),
      ...mine.slice(1).map((u, i) => cas.run(team, claim(team, `free${i}`, u))),
    ]);
    await first;
    expect(results[0]!.wasApplied()).toBe(false);
    expect(results[0]!.first().user.toString()).toBe(theirs);
    for (const rs of results.slice(1)) expect(rs.wasApplied()).toBe(true);
    expect(await owner(team, 'taken')).toBe(theirs);
    for (const [i, u] of mine.slice(1).entries()) expect(await owner(team, `free${i}`)).toBe(u);
  });

  it('never puts two claims of one row in a round: of 10 rivals for one externalId exactly one wins', async () => {
    const cas = new PartitionCas(db, 'test.batch');
    const team = randomUUID();
    const rivals = Array.from({ length: 10 }, () => randomUUID());
    const first = cas.run(team, claim(team, 'warm', randomUUID())); // the rivals wait together
    const results = await Promise.all(rivals.map((u) => cas.run(team, claim(team, 'contested', u))));
    await first;
    expect(results.filter((rs) => rs.wasApplied())).toHaveLength(1);
    const winner = rivals[results.findIndex((rs) => rs.wasApplied())];
    for (const rs of results) if (!rs.wasApplied()) expect(rs.first().user.toString()).toBe(winner);
    expect(await owner(team, 'contested')).toBe(winner);
  });

  it('settles a round whose answer was lost, applied or not, statement by statement', async () => {
    for (const applied of [true, false]) {
      const cas = new PartitionCas(db, 'test.batch');
      const team = randomUUID();
      const real = db.casBatch.bind(db);
      vi.spyOn(db, 'casBatch').mockImplementationOnce(async (name, queries) => {
        if (applied) await real(name, queries);
        throw new errors.OperationTimedOutError('The host did not reply before timeout', '127.0.0.1:9042');
      });
      const uids = Array.from({ length: 6 }, () => randomUUID());
      const first = cas.run(team, claim(team, 'warm', randomUUID()));
      const results = await Promise.all(uids.map((u, i) => cas.run(team, claim(team, `e${i}`, u))));
      await first;
      for (const [i, u] of uids.entries()) {
        // A claim the lost round applied is refused on its own, answering with our own row.
        expect(results[i]!.wasApplied() || results[i]!.first().user.toString() === u).toBe(true);
        expect(await owner(team, `e${i}`)).toBe(u);
      }
      vi.restoreAllMocks();
    }
  });
});
