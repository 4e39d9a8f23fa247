import { FakeClock, type UserId, newTeamId, newUserId, userId } from '@sso/domain';
import {
  MemoryChangeStamps,
  MemoryScimGroupStore,
  MemoryScimUserDocStore,
  StampWriter,
  memoryIdentityStores,
  memorySparStores,
  userStampKey,
  withChangeStamps,
} from '@sso/persistence';
import { describe, expect, it, vi } from 'vitest';
import { UserCache } from './user-cache';
import type { LoadedUser } from './user-reader';
import { testToken, userUseCases } from '../../test/users-fixture';

// The validated user cache (docs/decisions.md, "Validated SCIM user cache"): two replicas (A and
// B, each its own cache) on the same stores and the same stamps, the writes going through the
// persistence root's stamping decorators as in the apps.

const TTL = 30;

function setup(maxEntries = 100) {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00.000Z'));
  const stamps = new MemoryChangeStamps();
  const plain = {
    spar: memorySparStores(clock),
    identity: memoryIdentityStores(clock),
    scimUserDocs: new MemoryScimUserDocStore(),
    scimGroups: new MemoryScimGroupStore(),
  };
  const stampFailures = vi.fn();
  const s = withChangeStamps(plain, new StampWriter(stamps, stampFailures));
  const counts = { hit: 0, miss: 0, bypass: 0 };
  const replica = () => {
    const cache = new UserCache(stamps, clock, { ttlSeconds: TTL, maxEntries }, (o, n = 1) => (counts[o] += n));
    const { reader, creates, updates, deletes } = userUseCases(
      { spar: s.spar, identity: s.identity, docs: s.scimUserDocs, groups: s.scimGroups },
      clock,
      cache,
    );
    return { cache, reader, creates, updates, deletes };
  };
  const team = newTeamId();
  const token = testToken(team, clock);
  return { clock, stamps, plain, s, stampFailures, counts, a: replica(), b: replica(), team, token };
}

const body = (name: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: name,
  displayName: name,
  externalId: `${name}@example.com`,
  emails: [{ value: `${name}@example.com`, primary: true }],
});
const patch = (path: string, value: unknown) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'replace', path, value }],
});
const nameOf = (u: LoadedUser | null) => (u ? u.doc['displayName'] : null);

/** Counts the Cassandra-side reads of the user rows. */
function spyReads(x: ReturnType<typeof setup>) {
  return {
    users: vi.spyOn(x.plain.identity.users, 'get'),
    usersMany: vi.spyOn(x.plain.identity.users, 'getMany'),
    docs: vi.spyOn(x.plain.scimUserDocs, 'get'),
    groupsOf: vi.spyOn(x.plain.scimGroups, 'groupsOf'),
    groupRows: vi.spyOn(x.plain.scimGroups, 'getMany'),
  };
}

describe('validated SCIM user cache', () => {
  it('a second GET is served from the cache without reading the user rows; the answer is the same', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('alice'));
    const first = await x.b.reader.getWithGroups(x.token, u.user.id, true);
    const reads = spyReads(x);
    const second = await x.b.reader.getWithGroups(x.token, u.user.id, true);
    expect(second).toEqual(first);
    expect(reads.users).not.toHaveBeenCalled();
    expect(reads.docs).not.toHaveBeenCalled();
    expect(reads.groupsOf).not.toHaveBeenCalled();
    expect(x.counts.hit).toBeGreaterThan(0);
  });

  it('a PATCH through replica A changes the stamp: the next GET through B reads and shows it, every time', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('bob'));
    for (let i = 0; i < 20; i++) {
      await x.b.reader.get(x.token, u.user.id); // fills B
      const w = await x.a.updates.patch(x.token, u.user.id, patch('displayName', `Bob ${i}`), {});
      const r = await x.b.reader.get(x.token, u.user.id);
      expect(r.doc['displayName']).toBe(`Bob ${i}`);
      expect(r.version).toBe(w.version);
    }
  });

  it('a fill that overlapped a write is never served after the write is acknowledged', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('carol'));
    const old = await x.plain.scimUserDocs.get(u.user.id);
    // B's fill reads the document before the write lands but finishes after it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const get = x.plain.scimUserDocs.get.bind(x.plain.scimUserDocs);
    vi.spyOn(x.plain.scimUserDocs, 'get').mockImplementationOnce(async () => {
      await gate;
      return old;
    });
    const fill = x.b.reader.get(x.token, u.user.id);
    await new Promise((r) => setImmediate(r));
    vi.mocked(x.plain.scimUserDocs.get).mockImplementation(get);
    const w = await x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Carol 2'), {});
    release();
    expect((await fill).doc['displayName']).not.toBe('Carol 2'); // a read that overlapped: either answer is fine
    const after = await x.b.reader.get(x.token, u.user.id);
    expect(after.doc['displayName']).toBe('Carol 2');
    expect(after.version).toBe(w.version);
  });

  describe('PATCH starting from the cache while another write has landed but not yet replaced its stamp', () => {
    // The other write goes to the plain stores: landed in Cassandra, stamp not yet replaced.
    async function landedUnstamped(x: ReturnType<typeof setup>, uid: UserId, name: string): Promise<string> {
      const cur = (await x.a.reader.load(x.team, uid))!;
      const doc = { ...cur.doc, displayName: name };
      const row = (await x.plain.scimUserDocs.get(uid))!;
      const version = (await import('./user-reader')).versionOf(uid, doc);
      const w = await x.plain.scimUserDocs.replace({ ...row, doc: JSON.stringify(doc), version }, row.version);
      expect(w.ok).toBe(true);
      return (await x.a.reader.load(x.team, uid))!.version;
    }

    it('with nothing in flight, a PATCH of a cached user reads no user row before its write', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('hal'));
      await x.a.reader.get(x.token, u.user.id);
      const reads = spyReads(x);
      const w = await x.a.updates.patch(x.token, u.user.id, patch('title', 'Boss'), {});
      expect(w.doc['title']).toBe('Boss');
      expect(reads.users).not.toHaveBeenCalled();
      expect((await x.b.reader.load(x.team, u.user.id))!.version).toBe(w.version);
    });

    it('without If-Match: the compare-and-set fails, the retry reads Cassandra, neither change is lost', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('erin'));
      await x.a.reader.get(x.token, u.user.id); // A's cache holds the user
      await landedUnstamped(x, u.user.id, 'Erin other');
      const reads = spyReads(x);
      const w = await x.a.updates.patch(x.token, u.user.id, patch('title', 'Boss'), {});
      expect(w.doc['displayName']).toBe('Erin other');
      expect(w.doc['title']).toBe('Boss');
      expect(reads.docs).toHaveBeenCalled(); // the retry went to the store
      const fresh = (await x.b.reader.load(x.team, u.user.id))!;
      expect([fresh.doc['displayName'], fresh.doc['title'], fresh.version]).toEqual(['Erin other', 'Boss', w.version]);
    });

    it('If-Match with the version that landed is not refused because the cache still holds the one before', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('fay'));
      await x.a.reader.get(x.token, u.user.id);
      const landed = await landedUnstamped(x, u.user.id, 'Fay other');
      const w = await x.a.updates.patch(x.token, u.user.id, patch('title', 'Boss'), { ifMatch: landed });
      expect(w.doc['displayName']).toBe('Fay other');
      expect(w.doc['title']).toBe('Boss');
    });

    it('If-Match with the version before it: 412, as a fresh read would answer', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('gus'));
      const before = (await x.a.reader.get(x.token, u.user.id)).version;
      await landedUnstamped(x, u.user.id, 'Gus other');
      await expect(x.a.updates.patch(x.token, u.user.id, patch('title', 'Boss'), { ifMatch: before })).rejects.toMatchObject({
        code: 'precondition-failed',
      });
      expect((await x.b.reader.load(x.team, u.user.id))!.doc['title']).toBeUndefined();
    });
  });

  describe('a PATCH keeps what it wrote', () => {
    const shapes: Array<[string, unknown]> = [
      ['displayName', patch('displayName', 'New name')],
      ['title added', patch('title', 'Boss')],
      ['name.givenName', patch('name.givenName', 'Given')],
      ['preferredLanguage', patch('preferredLanguage', 'de')],
      ['active false', patch('active', false)],
      [
        'several operations, one a remove',
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'add', path: 'phoneNumbers', value: [{ value: '+49 30 1234', type: 'work' }] },
            { op: 'remove', path: 'displayName' },
            { op: 'replace', path: 'nickName', value: 'nick' },
          ],
        },
      ],
    ];
    it.each(shapes)('%s: the writer answers its next GET without a read, exactly as a fresh read answers', async (_, op) => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('ivy'));
      await x.a.reader.get(x.token, u.user.id);
      const w = await x.a.updates.patch(x.token, u.user.id, op, {});
      const reads = spyReads(x);
      const kept = await x.a.reader.get(x.token, u.user.id);
      expect(reads.users).not.toHaveBeenCalled();
      expect(reads.docs).not.toHaveBeenCalled();
      expect(kept).toEqual(w);
      reads.users.mockRestore();
      reads.docs.mockRestore();
      expect(kept).toEqual(await x.b.reader.load(x.team, u.user.id));
    });

    it('a run of PATCHes of one user reads no user row after the first read', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('jay'));
      await x.a.reader.get(x.token, u.user.id);
      const reads = spyReads(x);
      for (let i = 0; i < 5; i++) await x.a.updates.patch(x.token, u.user.id, patch('displayName', `Jay ${i}`), {});
      expect(reads.users).not.toHaveBeenCalled();
      // Nor the document: the unbroken chain proves no DELETE ran meanwhile (the next test).
      expect(reads.docs).not.toHaveBeenCalled();
      expect((await x.b.reader.load(x.team, u.user.id))!.doc['displayName']).toBe('Jay 4');
    });

    it('another write of the user stamped between: nothing is kept, and the next GET shows both writes', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('kim'));
      await x.a.reader.get(x.token, u.user.id);
      // B's write (a role change in team settings, say) lands and stamps while A's PATCH writes brig's row.
      const update = x.plain.identity.users.updateWithRichInfo.bind(x.plain.identity.users);
      vi.spyOn(x.plain.identity.users, 'updateWithRichInfo').mockImplementationOnce(async (...args) => {
        await x.s.identity.teams.setRole(x.team, u.user.id, 'admin');
        return update(...args);
      });
      const w = await x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Kim 2'), {});
      expect(w.role).toBe('member'); // what this PATCH read
      const after = await x.a.reader.get(x.token, u.user.id);
      expect([after.doc['displayName'], after.role]).toEqual(['Kim 2', 'admin']);
    });

    it('a DELETE after the compare-and-set breaks the chain: the PATCH checks, finds the user gone and leaves no rows', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, { ...body('max'), active: true });
      await x.a.reader.get(x.token, u.user.id);
      const update = x.plain.identity.users.updateWithRichInfo.bind(x.plain.identity.users);
      vi.spyOn(x.plain.identity.users, 'updateWithRichInfo').mockImplementationOnce(async (...args) => {
        await x.b.deletes.delete(x.token, u.user.id, {});
        return update(...args);
      });
      const reads = spyReads(x);
      await expect(x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Max 2'), {})).rejects.toMatchObject({ code: 'not-found' });
      expect(reads.docs).toHaveBeenCalled();
      expect(await x.plain.identity.users.get(u.user.id)).toBeNull();
      expect(await x.plain.spar.scimUserTimes.get(u.user.id)).toBeNull();
      expect(await x.a.reader.loadCached(x.team, u.user.id)).toBeNull();
    });

    it('another write that landed before and stamps after: the kept user is replaced by its stamp', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('lee'));
      await x.a.reader.get(x.token, u.user.id);
      // The role lands in Cassandra before A's PATCH, its stamp only after it.
      await x.plain.identity.teams.setRole(x.team, u.user.id, 'admin');
      await x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Lee 2'), {});
      await x.stamps.stamp([userStampKey(u.user.id)]);
      const after = await x.a.reader.get(x.token, u.user.id);
      expect([after.doc['displayName'], after.role]).toEqual(['Lee 2', 'admin']);
    });

    it.each([
      ['userName', patch('userName', 'moe2')],
      ['externalId', patch('externalId', 'moe2@example.com')],
      ['emails', patch('emails', [{ value: 'moe2@example.com', primary: true }])],
      ['roles', patch('roles', [{ value: 'admin', primary: true }])],
    ])('a PATCH that moves %s keeps nothing (it writes rows the user view does not hold)', async (_, op) => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('moe'));
      await x.a.reader.get(x.token, u.user.id);
      const w = await x.a.updates.patch(x.token, u.user.id, op, {});
      const reads = spyReads(x);
      const after = await x.a.reader.get(x.token, u.user.id);
      expect(reads.users).toHaveBeenCalled();
      expect(after.version).toBe(w.version);
    });

    it('a PATCH that started from a fresh read (the retry after a lost compare-and-set) keeps nothing', async () => {
      const x = setup();
      const u = await x.a.creates.create(x.token, body('ned'));
      await x.a.reader.get(x.token, u.user.id);
      const cur = (await x.plain.scimUserDocs.get(u.user.id))!;
      await x.plain.scimUserDocs.replace({ ...cur, version: 'other' }, cur.version); // lands, never stamped
      const w = await x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Ned 2'), {});
      const reads = spyReads(x);
      expect((await x.a.reader.get(x.token, u.user.id)).version).toBe(w.version);
      expect(reads.docs).toHaveBeenCalled();
    });
  });

  it('while the stamps cannot be read every read goes to Cassandra and nothing is kept', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('dave'));
    x.stamps.failing = true;
    const reads = spyReads(x);
    expect(nameOf(await x.b.reader.loadCached(x.team, u.user.id))).toBe('dave');
    expect(nameOf(await x.b.reader.loadCached(x.team, u.user.id))).toBe('dave');
    expect(reads.users).toHaveBeenCalledTimes(2);
    expect(x.counts.bypass).toBe(2);
    expect(x.b.cache.size.users).toBe(0);
    // A write while Redis is down is committed; its stamp failure is reported, never the request's.
    const w = await x.a.updates.patch(x.token, u.user.id, patch('displayName', 'Dave 2'), {});
    expect(w.doc['displayName']).toBe('Dave 2');
    expect(x.stampFailures).toHaveBeenCalled();
    expect(nameOf(await x.b.reader.loadCached(x.team, u.user.id))).toBe('Dave 2');
    x.stamps.failing = false;
    expect(nameOf(await x.b.reader.loadCached(x.team, u.user.id))).toBe('Dave 2');
  });

  it('a stamp a writer could not replace leaves an entry stale for at most the TTL', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('erin'));
    await x.b.reader.get(x.token, u.user.id);
    // The write lands, its stamp does not (Redis unreachable for the writer only).
    await x.plain.identity.users.update(u.user.id, { name: 'Erin 2' });
    await x.plain.scimUserDocs.replace(
      {
        uid: u.user.id,
        doc: JSON.stringify({ ...u.doc, displayName: 'Erin 2' }),
        version: 'x',
        times: { createdAt: u.created, lastUpdatedAt: u.lastModified },
      },
      u.rowVersion!,
    );
    expect((await x.b.reader.get(x.token, u.user.id)).doc['displayName']).toBe('erin');
    x.clock.advance(TTL * 1000 - 1);
    expect((await x.b.reader.get(x.token, u.user.id)).doc['displayName']).toBe('erin');
    x.clock.advance(1);
    expect((await x.b.reader.get(x.token, u.user.id)).doc['displayName']).toBe('Erin 2');
  });

  it('keeps at most maxEntries users, dropping the oldest', async () => {
    const x = setup(2);
    const ids: UserId[] = [];
    for (const n of ['f1', 'f2', 'f3']) ids.push((await x.a.creates.create(x.token, body(n))).user.id);
    for (const id of ids) await x.b.reader.get(x.token, id);
    expect(x.b.cache.size.users).toBe(2);
    const reads = spyReads(x);
    await x.b.reader.get(x.token, ids[2]!);
    await x.b.reader.get(x.token, ids[1]!);
    expect(reads.users).not.toHaveBeenCalled();
    await x.b.reader.get(x.token, ids[0]!);
    expect(reads.users).toHaveBeenCalledTimes(1);
  });

  it('a synthesised user (no stored times: "now") is never kept', async () => {
    const x = setup();
    const uid = newUserId();
    await x.plain.identity.users.put({
      id: uid,
      team: x.team,
      name: 'SSO',
      handle: null,
      email: null,
      emailUnvalidated: null,
      language: null,
      country: null,
      status: 'active',
      managedBy: 'wire',
      ssoId: JSON.stringify({ scim_external_id: 'sso@example.com' }),
      passwordHash: null,
      activated: true,
    });
    await x.plain.identity.teams.addMember({ team: x.team, user: uid, role: 'member', invitedBy: null, invitedAt: null });
    const u = await x.b.reader.get(x.token, uid);
    expect(u.rowVersion).toBeNull();
    expect(x.b.cache.size.users).toBe(0);
  });

  it('other teams never get a cached user', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('gina'));
    await x.b.reader.get(x.token, u.user.id);
    expect(await x.b.reader.loadCached(newTeamId(), u.user.id)).toBeNull();
  });

  it('list pages: only the misses are read; an entry under another role than the page row is a miss', async () => {
    const x = setup();
    const ids: UserId[] = [];
    for (const n of ['h1', 'h2', 'h3']) ids.push((await x.a.creates.create(x.token, body(n))).user.id);
    const page = async () => (await x.s.identity.teams.listMembers(x.team, { limit: 100, cursor: null })).items;
    const first = await x.b.reader.loadMembers(x.team, await page());
    expect(first.map((u) => u.user.id).sort()).toEqual([...ids].sort());
    const reads = spyReads(x);
    const again = await x.b.reader.loadMembers(x.team, await page());
    expect(again).toEqual(first);
    expect(reads.usersMany).not.toHaveBeenCalled();
    // A role change whose stamp was lost: the page's member row still shows it.
    await x.plain.identity.teams.setRole(x.team, ids[1]!, 'admin');
    const third = await x.b.reader.loadMembers(x.team, await page());
    expect(reads.usersMany).toHaveBeenCalledTimes(1);
    expect(reads.usersMany.mock.calls[0]![0]).toEqual([ids[1]]);
    expect(third.find((u) => u.user.id === ids[1])!.role).toBe('admin');
    expect(third.find((u) => u.user.id === ids[1])!.doc['roles']).toEqual(['admin']);
    // A stamped change (through a decorated store) is read again too.
    await x.a.updates.patch(x.token, ids[2]!, patch('displayName', 'H3 new'), {});
    const fourth = await x.b.reader.loadMembers(x.team, await page());
    expect(fourth.find((u) => u.user.id === ids[2])!.doc['displayName']).toBe('H3 new');
  });

  it('countVisible (index paging skips): cached users count without a read, the others are read; a deleted user stops counting', async () => {
    const x = setup();
    const ids: UserId[] = [];
    for (const n of ['v1', 'v2']) ids.push((await x.a.creates.create(x.token, body(n))).user.id);
    const page = async () => (await x.s.identity.teams.listMembers(x.team, { limit: 100, cursor: null })).items;
    expect(await x.b.reader.countVisible(x.team, await page())).toBe(2);
    await x.b.reader.loadMembers(x.team, await page());
    const reads = spyReads(x);
    expect(await x.b.reader.countVisible(x.team, await page())).toBe(2);
    expect(reads.usersMany).not.toHaveBeenCalled();
    await x.plain.identity.users.update(ids[0]!, { status: 'deleted' }); // its stamp lost: the member row stays
    await x.s.identity.users.update(ids[1]!, { status: 'deleted' });
    expect(await x.b.reader.countVisible(x.team, await page())).toBe(1);
    expect(reads.usersMany.mock.calls[0]![0]).toEqual([ids[1]]);
  });

  it('a role change through the team store changes the ETag B shows', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('ivan'));
    const before = await x.b.reader.get(x.token, u.user.id);
    await x.s.identity.teams.setRole(x.team, u.user.id, 'admin');
    const after = await x.b.reader.get(x.token, u.user.id);
    expect(after.role).toBe('admin');
    expect(after.version).not.toBe(before.version);
  });

  it('DELETE through A: B answers 404', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('judy'));
    await x.b.reader.get(x.token, u.user.id);
    await x.a.deletes.delete(x.token, u.user.id, {});
    await expect(x.b.reader.get(x.token, u.user.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('userName hints: a rename, a delete and a handle taken over by another user are never answered from the hint', async () => {
    const x = setup();
    const k = await x.a.creates.create(x.token, body('kim'));
    expect((await x.b.reader.findByKey(x.team, 'userName', 'KIM'))!.user.id).toBe(k.user.id);
    expect(x.b.cache.size.handles).toBe(1);
    const reads = spyReads(x);
    expect((await x.b.reader.findByKey(x.team, 'userName', 'kim'))!.user.id).toBe(k.user.id);
    expect(reads.users).not.toHaveBeenCalled();
    // Rename: the old name finds nobody, the new one finds kim.
    await x.a.updates.patch(x.token, k.user.id, patch('userName', 'kim2'), {});
    expect(await x.b.reader.findByKey(x.team, 'userName', 'kim')).toBeNull();
    expect((await x.b.reader.findByKey(x.team, 'userName', 'kim2'))!.user.id).toBe(k.user.id);
    // Another user takes the freed handle.
    const l = await x.a.creates.create(x.token, { ...body('kim'), externalId: 'other@example.com', emails: [] });
    expect((await x.b.reader.findByKey(x.team, 'userName', 'kim'))!.user.id).toBe(l.user.id);
    // Delete: nobody has it.
    expect((await x.b.reader.findByKey(x.team, 'userName', 'kim'))!.user.id).toBe(l.user.id);
    await x.a.deletes.delete(x.token, l.user.id, {});
    expect(await x.b.reader.findByKey(x.team, 'userName', 'kim')).toBeNull();
  });

  it("groups: a rename, a new membership and a group's delete show on B's next GET", async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('leo'));
    const gid = userId(newUserId()) as string;
    const now = x.clock.now();
    const g = {
      team: x.team,
      id: gid,
      displayName: 'G1',
      externalId: null,
      created: now,
      lastModified: now,
      version: 'v1',
      membersVersion: 'm1',
      membersModified: now,
    };
    await x.s.scimGroups.create(g, []);
    const groupsOnB = async () => (await x.b.reader.getWithGroups(x.token, u.user.id, true)).groups;
    expect(await groupsOnB()).toEqual([]);
    await x.s.scimGroups.addMembers(x.team, gid, [{ user: u.user.id, display: null }]);
    expect(await groupsOnB()).toEqual([{ id: gid, displayName: 'G1' }]);
    const reads = spyReads(x);
    expect(await groupsOnB()).toEqual([{ id: gid, displayName: 'G1' }]);
    expect(reads.groupRows).not.toHaveBeenCalled();
    await x.s.scimGroups.replace(
      x.team,
      gid,
      { displayName: 'G2', externalId: null, version: 'v2', lastModified: now },
      { version: 'v1' },
      'G1',
    );
    expect(await groupsOnB()).toEqual([{ id: gid, displayName: 'G2' }]);
    await x.s.scimGroups.delete(x.team, gid);
    expect(await groupsOnB()).toEqual([]);
  });

  it('a rename that lands while B reads the group rows is not kept under the new stamp', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('mia'));
    const gid = newUserId() as string;
    const now = x.clock.now();
    const g = {
      team: x.team,
      id: gid,
      displayName: 'old',
      externalId: null,
      created: now,
      lastModified: now,
      version: 'v1',
      membersVersion: 'm1',
      membersModified: now,
    };
    await x.s.scimGroups.create(g, [{ user: u.user.id, display: null }]);
    const stale = await x.plain.scimGroups.getMany(x.team, [gid]);
    // B's fill reads the group rows as they were before the rename; the rename settles meanwhile.
    const getMany = x.plain.scimGroups.getMany.bind(x.plain.scimGroups);
    vi.spyOn(x.plain.scimGroups, 'getMany').mockImplementationOnce(async () => {
      await x.s.scimGroups.replace(
        x.team,
        gid,
        { displayName: 'new', externalId: null, version: 'v2', lastModified: now },
        { version: 'v1' },
        'old',
      );
      return stale;
    });
    expect((await x.b.reader.getWithGroups(x.token, u.user.id, true)).groups).toEqual([{ id: gid, displayName: 'old' }]);
    vi.mocked(x.plain.scimGroups.getMany).mockImplementation(getMany);
    expect((await x.b.reader.getWithGroups(x.token, u.user.id, true)).groups).toEqual([{ id: gid, displayName: 'new' }]);
  });

  it('concurrent PATCHes through A and B and GETs through both: both end on the last acknowledged write', async () => {
    const x = setup();
    const u = await x.a.creates.create(x.token, body('ned'));
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const r = i % 2 ? x.a : x.b;
        await r.reader.get(x.token, u.user.id);
        // Five lost compare-and-sets in a row answer 409 (not acknowledged): fine here.
        await r.updates.patch(x.token, u.user.id, patch('displayName', `Ned ${i}`), {}).catch((e: { code?: string }) => {
          if (e.code !== 'conflict') throw e;
        });
        await (i % 2 ? x.b : x.a).reader.get(x.token, u.user.id);
      }),
    );
    const stored = JSON.parse((await x.plain.scimUserDocs.get(u.user.id))!.doc) as Record<string, unknown>;
    for (const r of [x.a, x.b]) expect((await r.reader.get(x.token, u.user.id)).doc['displayName']).toBe(stored['displayName']);
  });
});
