import { newUserId } from '@sso/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CassandraScimUserDocStore } from '../cassandra/scim-user-doc-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { scimUserDocContract } from './scim-user-doc.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

scimUserDocContract('Cassandra', () => new CassandraScimUserDocStore(db));

describe("a new user's first document, written without Paxos (real Cassandra)", () => {
  afterEach(() => vi.restoreAllMocks());

  // A Paxos commit is stamped with the coordinator's clock, a plain write with the app's. Were the
  // first write stamped with the app's clock while it runs ahead, every later compare-and-set would
  // answer applied and stay invisible under the older plain write.
  it("loses to the next compare-and-set and to a plain delete with the app's clock 30 minutes ahead", async () => {
    const s = new CassandraScimUserDocStore(db);
    const ahead = Date.now() + 30 * 60_000;
    vi.spyOn(Date, 'now').mockReturnValue(ahead);
    const uid = newUserId();
    await s.insertNew({ uid, doc: '{"v":1}', version: 'v1' });
    expect(await s.replace({ uid, doc: '{"v":2}', version: 'v2' }, 'v1')).toEqual({ ok: true });
    expect(await s.get(uid)).toMatchObject({ doc: '{"v":2}', version: 'v2' });

    const gone = newUserId();
    await s.insertNew({ uid: gone, doc: '{}', version: 'v1' });
    await s.delete(gone);
    expect(await s.get(gone)).toBeNull();
  });
});
