import { FakeClock, newTeamId, newUserId } from '@sso/domain';
import { MemoryScimGroupStore, MemoryScimUserDocStore, memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { ScimError } from '@sso/scim';
import { describe, expect, it, vi } from 'vitest';
import { testToken, userUseCases } from '../../test/users-fixture';

// The cheaper GET and create (docs/decisions.md, "Cheaper SCIM GET and create"): times kept with
// the document, the groups read next to the user read. These check that what is shown stays what
// it was, and that errors keep their order.

function setup() {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00.000Z'));
  const spar = memorySparStores(clock);
  const identity = memoryIdentityStores(clock);
  const docs = new MemoryScimUserDocStore();
  const groups = new MemoryScimGroupStore();
  const { reader, creates, updates } = userUseCases({ spar, identity, docs, groups }, clock);
  const team = newTeamId();
  const token = testToken(team, clock);
  return { clock, spar, identity, docs, groups, reader, creates, updates, team, token };
}

const body = (name: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: name,
  externalId: `${name}@example.com`,
  emails: [{ value: `${name}@example.com`, primary: true }],
});
const patchDisplayName = (value: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'replace', path: 'displayName', value }],
});

describe('SCIM user times kept with the document', () => {
  it('a create writes them with the document and into scim_user_times; a GET reads no scim_user_times', async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('alice'));
    const at = s.clock.now();
    expect((await s.docs.get(u.user.id))?.times).toEqual({ createdAt: at, lastUpdatedAt: at });
    expect(await s.spar.scimUserTimes.get(u.user.id)).toEqual({ uid: u.user.id, createdAt: at, lastUpdatedAt: at });
    const timesRead = vi.spyOn(s.spar.scimUserTimes, 'get');
    const got = await s.reader.get(s.token, u.user.id);
    expect(timesRead).not.toHaveBeenCalled();
    expect(got.created).toEqual(at);
    expect(got.lastModified).toEqual(at);
  });

  it('a PATCH moves lastModified in the document and in scim_user_times, keeps created, and GET shows it', async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('bob'));
    const created = s.clock.now();
    s.clock.advance(60_000);
    const patched = await s.updates.patch(s.token, u.user.id, patchDisplayName('Bob'), {});
    const later = s.clock.now();
    expect(patched.created).toEqual(created);
    expect(patched.lastModified).toEqual(later);
    expect((await s.docs.get(u.user.id))?.times).toEqual({ createdAt: created, lastUpdatedAt: later });
    expect(await s.spar.scimUserTimes.get(u.user.id)).toEqual({ uid: u.user.id, createdAt: created, lastUpdatedAt: later });
    s.clock.advance(60_000);
    const got = await s.reader.get(s.token, u.user.id);
    expect([got.created, got.lastModified]).toEqual([created, later]);
    expect(got.version).toBe(patched.version);
  });

  it('a document written before the times (no times in the row) reads scim_user_times, and its next write adds them', async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('carol'));
    const created = s.clock.now();
    // The row as brig migration 16 found it: document and version, no times.
    const row = (await s.docs.get(u.user.id))!;
    s.docs.rows.set(u.user.id, { doc: row.doc, version: row.version });
    s.clock.advance(5_000);
    const got = await s.reader.get(s.token, u.user.id);
    expect([got.created, got.lastModified]).toEqual([created, created]);
    // In a list page too.
    const members = [{ team: s.team, user: u.user.id, role: 'member' as const, invitedBy: null, invitedAt: null }];
    const [listed] = await s.reader.loadMembers(s.team, members);
    expect([listed!.created, listed!.lastModified]).toEqual([created, created]);
    await s.updates.patch(s.token, u.user.id, patchDisplayName('Carol'), {});
    expect((await s.docs.get(u.user.id))?.times).toEqual({ createdAt: created, lastUpdatedAt: s.clock.now() });
  });

  it('a list page reads scim_user_times only for the rows without times', async () => {
    const s = setup();
    const a = await s.creates.create(s.token, body('dave'));
    const b = await s.creates.create(s.token, body('erin'));
    const row = (await s.docs.get(b.user.id))!;
    s.docs.rows.set(b.user.id, { doc: row.doc, version: row.version });
    const many = vi.spyOn(s.spar.scimUserTimes, 'getMany');
    const members = [a, b].map((u) => ({ team: s.team, user: u.user.id, role: 'member' as const, invitedBy: null, invitedAt: null }));
    const page = await s.reader.loadMembers(s.team, members);
    expect(page.map((u) => u.user.id)).toEqual([a.user.id, b.user.id]);
    expect(many).toHaveBeenCalledTimes(1);
    expect(many.mock.calls[0]![0]).toEqual([b.user.id]);
  });
});

describe('GET by id with groups: both reads at once, errors in the order of one after the other', () => {
  it('starts the groups read before the user read has answered', async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('frank'));
    const order: string[] = [];
    const users = s.identity.users;
    const realGet = users.get.bind(users);
    vi.spyOn(users, 'get').mockImplementation(async (id) => {
      order.push('user read starts');
      await new Promise((r) => setTimeout(r, 5));
      order.push('user read ends');
      return realGet(id);
    });
    vi.spyOn(s.groups, 'groupsOf').mockImplementation(async () => {
      order.push('groups read starts');
      return [];
    });
    const r = await s.reader.getWithGroups(s.token, u.user.id, true);
    expect(r.groups).toEqual([]);
    expect(order.indexOf('groups read starts')).toBeLessThan(order.indexOf('user read ends'));
  });

  it("shows the user's groups", async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('ivan'));
    const gid = newUserId() as string;
    const at = s.clock.now();
    await s.groups.create(
      {
        team: s.team,
        id: gid,
        displayName: 'Engineering',
        externalId: null,
        created: at,
        lastModified: at,
        version: 'v',
        membersVersion: 'm',
        membersModified: at,
      },
      [{ user: u.user.id, display: 'ivan' }],
    );
    const r = await s.reader.getWithGroups(s.token, u.user.id, true);
    expect(r.groups).toEqual([{ id: gid, displayName: 'Engineering' }]);
    expect(r.user.user.id).toBe(u.user.id);
  });

  it('a missing user is 404 even when the groups read fails', async () => {
    const s = setup();
    vi.spyOn(s.groups, 'groupsOf').mockRejectedValue(new Error('groups store down'));
    const id = newUserId();
    await expect(s.reader.getWithGroups(s.token, id, true)).rejects.toSatisfy((e) => e instanceof ScimError && e.message.includes(id));
  });

  it("another team's user is 404 and its groups are not shown", async () => {
    const s = setup();
    const other = setup();
    const u = await other.creates.create(other.token, body('grace'));
    // Same stores, another team's token.
    await expect(s.reader.getWithGroups({ ...other.token, team: newTeamId() }, u.user.id, true)).rejects.toBeInstanceOf(ScimError);
  });

  it('a failed user read wins over a failed groups read', async () => {
    const s = setup();
    vi.spyOn(s.identity.users, 'get').mockRejectedValue(new Error('user store down'));
    vi.spyOn(s.groups, 'groupsOf').mockRejectedValue(new Error('groups store down'));
    await expect(s.reader.getWithGroups(s.token, newUserId(), true)).rejects.toThrow('user store down');
  });

  it('a found user with a failed groups read fails with that error; without groups wanted, no groups read at all', async () => {
    const s = setup();
    const u = await s.creates.create(s.token, body('heidi'));
    const groupsOf = vi.spyOn(s.groups, 'groupsOf').mockRejectedValue(new Error('groups store down'));
    await expect(s.reader.getWithGroups(s.token, u.user.id, true)).rejects.toThrow('groups store down');
    groupsOf.mockClear();
    const r = await s.reader.getWithGroups(s.token, u.user.id, false);
    expect(r.groups).toBeNull();
    expect(r.user.user.id).toBe(u.user.id);
    expect(groupsOf).not.toHaveBeenCalled();
  });

  it('a malformed id is 404 without any read', async () => {
    const s = setup();
    const groupsOf = vi.spyOn(s.groups, 'groupsOf');
    await expect(s.reader.getWithGroups(s.token, 'not-a-uuid', true)).rejects.toBeInstanceOf(ScimError);
    expect(groupsOf).not.toHaveBeenCalled();
  });
});
