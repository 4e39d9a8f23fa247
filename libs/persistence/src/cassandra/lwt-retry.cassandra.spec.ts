import { randomUUID } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedTestDb } from '../testing';
import { CassandraDb } from './db';
import { StoreUnavailableError } from './resilience';

const { errors } = cassandra;

/**
 * The connection dies after the statement reached the node: the first attempt really runs, then
 * the caller sees a client timeout (the case where an LWT may or may not have been applied).
 */
function loseAnswerOnce(db: CassandraDb, opts: { apply: boolean }): () => void {
  const real = db.client.execute.bind(db.client);
  let armed = true;
  (db.client as unknown as { execute: unknown }).execute = async (...args: Parameters<typeof real>) => {
    if (armed && / IF /.test(String(args[0]))) {
      armed = false;
      if (opts.apply) await real(...args);
      throw new errors.OperationTimedOutError('The host did not reply before timeout', '127.0.0.1:9042');
    }
    return real(...args);
  };
  return () => ((db.client as unknown as { execute: unknown }).execute = real);
}

describe('an LWT whose answer was lost (real Cassandra)', () => {
  let db: CassandraDb;
  let table: string;
  beforeAll(async () => {
    db = await sharedTestDb();
    table = `${db.config.keyspaces.brig}.scim_user_doc`;
  });
  afterAll(async () => db?.shutdown());

  const insert = (user: string, doc: string) =>
    db.execute('test.insert', `INSERT INTO ${table} ("user", doc, version) VALUES (?, ?, ?) IF NOT EXISTS`, [user, doc, 'v1']);
  const update = (user: string, doc: string, version: string, expected: string) =>
    db.execute('test.update', `UPDATE ${table} SET doc = ?, version = ? WHERE "user" = ? IF version = ?`, [doc, version, user, expected]);

  it('reports an INSERT IF NOT EXISTS applied by the lost attempt as applied', async () => {
    const user = randomUUID();
    const restore = loseAnswerOnce(db, { apply: true });
    try {
      expect((await insert(user, 'mine')).wasApplied()).toBe(true);
    } finally {
      restore();
    }
  });

  it("still reports a real conflict: the row holds another writer's values", async () => {
    const user = randomUUID();
    await insert(user, 'theirs');
    const restore = loseAnswerOnce(db, { apply: false });
    try {
      const rs = await insert(user, 'mine');
      expect(rs.wasApplied()).toBe(false);
      expect(rs.first().doc).toBe('theirs');
    } finally {
      restore();
    }
  });

  it('reports a conditional UPDATE applied by the lost attempt as applied, and a lost race as not applied', async () => {
    const user = randomUUID();
    await insert(user, 'first');
    let restore = loseAnswerOnce(db, { apply: true });
    try {
      expect((await update(user, 'second', 'v2', 'v1')).wasApplied()).toBe(true);
    } finally {
      restore();
    }
    // Someone else moved it to v3 while our attempt was lost unapplied.
    await update(user, 'theirs', 'v3', 'v2');
    restore = loseAnswerOnce(db, { apply: false });
    try {
      expect((await update(user, 'mine', 'v3b', 'v2')).wasApplied()).toBe(false);
    } finally {
      restore();
    }
  });

  it('turns an unavailable cluster into StoreUnavailableError after the retry budget, not a hang; a non-idempotent write is not retried', async () => {
    const budget = new CassandraDb({ ...db.config, retryBudgetMs: 1500 });
    let calls = 0;
    (budget.client as unknown as { execute: unknown }).execute = async () => {
      calls++;
      throw new errors.NoHostAvailableError({
        '127.0.0.1:9042': new errors.ResponseError(cassandra.types.responseErrorCodes.writeTimeout, 'timeout'),
      });
    };
    const t0 = Date.now();
    await expect(
      budget.execute('test.read', `SELECT doc FROM ${table} WHERE "user" = ?`, [randomUUID()], { idempotent: true }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls).toBeGreaterThan(3);
    expect(Date.now() - t0).toBeLessThanOrEqual(1500 + 300);
    calls = 0;
    await expect(
      budget.execute('test.write', `INSERT INTO ${table} ("user", doc) VALUES (?, ?)`, [randomUUID(), 'x']),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls).toBe(1);
    // No node reachable at all: the caller hears it within the short budget, whatever the long one.
    const long = new CassandraDb({ ...db.config, retryBudgetMs: 60_000 });
    (long.client as unknown as { execute: unknown }).execute = async () => {
      throw new errors.NoHostAvailableError({ '127.0.0.1:9042': new Error('connect ECONNREFUSED') });
    };
    const t1 = Date.now();
    await expect(
      long.execute('test.read', `SELECT doc FROM ${table} WHERE "user" = ?`, [randomUUID()], { idempotent: true }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - t1).toBeLessThan(2500);
    await budget.shutdown();
    await long.shutdown();
  });
});
