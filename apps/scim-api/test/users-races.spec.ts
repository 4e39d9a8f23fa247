import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TeamId, type UserId, systemClock } from '@sso/domain';
import { CassandraScimGroupStore, type IdentityStores, type ScimTokenRecord, type ScimUserDocStore } from '@sso/persistence';
import { DeleteUser } from '../src/users/delete-user';
import { UpdateUser } from '../src/users/update-user';
import { UserClaims } from '../src/users/user-claims';
import { ScimUserEmails } from '../src/users/user-emails';
import { UserReader } from '../src/users/user-reader';
import { ScimHarness, uname, userBody } from './harness';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A PUT or PATCH and another change of the same user, interleaved on purpose: the write is held
 * right after its document compare-and-set (at brig's `users.updateWithRichInfo`) while the other change runs.
 */
describe('SCIM user writes interleaved with other changes (real Cassandra)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  /** The PATCH use case on stores whose `users.updateWithRichInfo` waits until `release()`. */
  function heldPatch(team: TeamId) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atUpdate = new Promise<void>((r) => (reached = r));
    const users: IdentityStores['users'] = Object.create(h.identity.users);
    users.updateWithRichInfo = async (id, changes, richInfo) => {
      reached();
      await gate;
      return h.identity.users.updateWithRichInfo(id, changes, richInfo);
    };
    const identity = { ...h.identity, users };
    const settings = { richInfoLimit: 5000, defaultLocale: 'en' };
    const reader = new UserReader(h.spar, identity, h.docs, new CassandraScimGroupStore(h.db), systemClock, settings);
    const updates = new UpdateUser(
      h.spar,
      identity,
      h.docs,
      systemClock,
      reader,
      new UserClaims(h.spar, identity, settings),
      h.t.app.get(ScimUserEmails),
    );
    const token = { team, idp: null } as unknown as ScimTokenRecord;
    return {
      patch: (id: string, ops: unknown[]) => updates.patch(token, id, { schemas: [PATCH], Operations: ops }, {}),
      atUpdate,
      release,
    };
  }

  it('a DELETE while a PATCH is past its document write leaves no user, and the new userName free', async () => {
    const { team, token } = await h.team();
    const c = await h.req('POST', '/scim/v2/Users', { token, body: userBody() });
    expect(c.statusCode, c.body).toBe(201);
    const id = c.json().id as UserId;
    const renamed = uname('renamed');
    const held = heldPatch(team);
    const patch = held.patch(id, [{ op: 'replace', path: 'userName', value: renamed }]);
    const outcome = patch.then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    await held.atUpdate;
    expect((await h.req('DELETE', `/scim/v2/Users/${id}`, { token })).statusCode).toBe(204);
    held.release();
    // The write finds its user gone and says so, after undoing what it put back.
    expect(await outcome).toBe('not-found');

    expect((await h.req('GET', `/scim/v2/Users/${id}`, { token })).statusCode).toBe(404);
    expect(await h.identity.users.lookupHandle(renamed)).toBeNull();
    expect(await h.spar.scimUserTimes.get(id)).toBeNull();
    const again = await h.req('POST', '/scim/v2/Users', { token, body: userBody({ userName: renamed }) });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('a DELETE that read the user before a PATCH wrote starts over and releases the userName that PATCH claimed', async () => {
    const { team, token } = await h.team();
    const c = await h.req('POST', '/scim/v2/Users', { token, body: userBody() });
    const id = c.json().id as UserId;
    const renamed = uname('renamed');
    // The PATCH (through the app) lands completely between the DELETE's read and its document
    // compare-and-set.
    const docs: ScimUserDocStore = Object.create(h.docs);
    let patched = 0;
    docs.deleteIf = async (uid, expected) => {
      if (patched++ === 0) {
        const p = await h.req('PATCH', `/scim/v2/Users/${id}`, {
          token,
          body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: renamed }] },
        });
        expect(p.statusCode, p.body).toBe(200);
      }
      return h.docs.deleteIf(uid, expected);
    };
    const groups = new CassandraScimGroupStore(h.db);
    const settings = { richInfoLimit: 5000, defaultLocale: 'en' };
    const reader = new UserReader(h.spar, h.identity, docs, groups, systemClock, settings);
    await new DeleteUser(h.spar, h.identity, docs, groups, systemClock, reader, h.t.app.get(ScimUserEmails)).delete(
      { team } as ScimTokenRecord,
      id,
      {},
    );
    expect(patched).toBe(2); // the first compare-and-set failed, the second (after a fresh read) won
    expect((await h.req('GET', `/scim/v2/Users/${id}`, { token })).statusCode).toBe(404);
    expect(await h.identity.users.lookupHandle(renamed)).toBeNull();
  });

  it('a PATCH that does not change roles keeps a role changed meanwhile (team settings or another SCIM write)', async () => {
    const { team, token } = await h.team();
    const c = await h.req('POST', '/scim/v2/Users', { token, body: userBody() });
    const id = c.json().id as UserId;
    const held = heldPatch(team);
    const patch = held.patch(id, [{ op: 'replace', path: 'displayName', value: 'New Name' }]);
    await held.atUpdate;
    await h.identity.teams.setRole(team, id, 'admin');
    held.release();
    await patch;
    expect((await h.identity.teams.getMember(team, id))?.role).toBe('admin');
    expect((await h.req('GET', `/scim/v2/Users/${id}`, { token })).json().roles).toEqual(['admin']);
  });
});
