import { FakeClock, newTeamId, newUserId } from '@sso/domain';
import { MemoryScimGroupStore, MemoryScimUserDocStore, memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { describe, expect, it, vi } from 'vitest';
import { samlIdentity } from './sso-identity';
import { testIdp, testToken, userUseCases } from '../../test/users-fixture';

// POST /Users with a token bound to an IdP: the times and the SAML identity go out as one write
// (one UNLOGGED batch on Cassandra; docs/decisions.md, "Fewer requests for a SCIM create"), and
// a failure of that write undoes the whole create.

async function setup() {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00.000Z'));
  const spar = memorySparStores(clock);
  const identity = memoryIdentityStores(clock);
  const docs = new MemoryScimUserDocStore();
  const { creates } = userUseCases({ spar, identity, docs, groups: new MemoryScimGroupStore() }, clock);
  const team = newTeamId();
  const issuer = 'https://idp.example.com/create';
  const idp = testIdp(team, issuer);
  await spar.idps.insert(idp);
  return { clock, spar, identity, docs, creates, team, issuer, token: testToken(team, clock, idp.id) };
}

const body = (name: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: name,
  externalId: `${name}@example.com`,
  emails: [{ value: `${name}@example.com`, primary: true }],
});

describe('CreateUser with an IdP', () => {
  it('writes the times and the SAML identity with one call, and the user is complete', async () => {
    const s = await setup();
    const both = vi.spyOn(s.spar.scimUserTimes, 'putWithSamlUser');
    const times = vi.spyOn(s.spar.scimUserTimes, 'put');
    const saml = vi.spyOn(s.spar.samlUsers, 'insert');
    const u = await s.creates.create(s.token, body('alice'));
    expect(both).toHaveBeenCalledTimes(1);
    expect(saml).not.toHaveBeenCalled();
    expect(times).toHaveBeenCalledTimes(1); // the memory twin's own put, inside putWithSamlUser
    const key = samlIdentity(s.issuer, 'alice@example.com');
    expect(await s.spar.samlUsers.get(s.issuer, key.normalizedNameId)).toMatchObject({ uid: u.user.id, ssoId: key.subjectXml });
    expect(await s.spar.scimUserTimes.get(u.user.id)).not.toBeNull();
  });

  it('a failed times + SAML identity write undoes everything, and the same user can be created again', async () => {
    const s = await setup();
    const real = s.spar.scimUserTimes.putWithSamlUser.bind(s.spar.scimUserTimes);
    // The batch may have landed in part (unlogged across partitions): land it, then fail.
    vi.spyOn(s.spar.scimUserTimes, 'putWithSamlUser').mockImplementationOnce(async (t, row) => {
      await real(t, row);
      throw new Error('write timeout');
    });
    const docCreate = vi.spyOn(s.docs, 'insertNew');
    await expect(s.creates.create(s.token, body('bob'))).rejects.toThrow('write timeout');
    const uid = docCreate.mock.calls[0]![0].uid;
    const key = samlIdentity(s.issuer, 'bob@example.com');
    expect(await s.spar.samlUsers.get(s.issuer, key.normalizedNameId)).toBeNull();
    expect(await s.spar.scimUserTimes.get(uid)).toBeNull();
    expect(await s.docs.get(uid)).toBeNull();
    expect(await s.identity.users.get(uid)).toBeNull();
    expect(await s.identity.users.lookupHandle('bob')).toBeNull();
    expect(await s.spar.scimExternal.get(s.team, 'bob@example.com')).toBeNull();
    const again = await s.creates.create(s.token, body('bob'));
    expect(again.user.id).not.toBe(uid);
    expect(await s.spar.samlUsers.get(s.issuer, key.normalizedNameId)).toMatchObject({ uid: again.user.id });
  });

  it('without an IdP, the times alone (no SAML identity)', async () => {
    const s = await setup();
    const both = vi.spyOn(s.spar.scimUserTimes, 'putWithSamlUser');
    const u = await s.creates.create({ ...s.token, idp: null }, body('carol'));
    expect(both).not.toHaveBeenCalled();
    expect(await s.spar.scimUserTimes.get(u.user.id)).not.toBeNull();
  });
});

/** Makes `obj[method]` wait `pause()` before and after doing its work. */
function delayed<T extends object>(obj: T, method: keyof T & string, pause: () => Promise<unknown>): void {
  const real = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
  Object.assign(obj, {
    [method]: async (...a: unknown[]) => {
      await pause();
      const r = await real(...a);
      await pause();
      return r;
    },
  });
}

/** A pending SCIM user (token without an IdP) named `name`, whose invitation has expired. */
async function deadInvitee(name: string) {
  const s = await setup();
  const token = testToken(s.team, s.clock, null);
  await s.identity.teams.createTeam({ id: s.team, name, creator: newUserId(), deleted: false });
  const old = await s.creates.create(token, body(name));
  s.clock.advance(2 * 3600 * 1000); // past the invitation's timeout
  return { ...s, token, old };
}

describe('concurrent creates of one user', () => {
  it('never each hold one unique key and all fail: with the claims answering in any order, exactly one wins', async () => {
    // A claim that lands, then answers after a random delay: what two creates racing over the
    // network see. With both keys claimed at once, one create could hold the externalId and
    // another the userName, and both fail.
    const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
    for (let trial = 0; trial < 40; trial++) {
      const s = await setup();
      delayed(s.spar.scimExternal, 'claim', jitter);
      delayed(s.identity.users, 'claimHandle', jitter);
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => s.creates.create(s.token, body(`race${trial}`))));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, `trial ${trial}`).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'uniqueness' });
    }
  });

  it('over a pending user whose invitation died: exactly one of the creates that delete it wins', async () => {
    // Each create finds the keys held by the dead invitee, deletes it (one of them really does)
    // and tries once more. The deleter releases the keys in the reverse of the claim order, so a
    // create that wins the externalId finds the userName already free.
    const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10)));
    for (let trial = 0; trial < 100; trial++) {
      const { spar, identity, creates, token, old } = await deadInvitee(`dead${trial}`);
      delayed(spar.scimExternal, 'claim', jitter);
      delayed(spar.scimExternal, 'release', jitter);
      delayed(identity.users, 'claimHandle', jitter);
      delayed(identity.users, 'releaseHandle', jitter);
      // The creates find the dead invitee at different times, so some try again while the deleter
      // is still releasing its keys.
      delayed(spar.scimExternal, 'get', jitter);
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => creates.create(token, body(`dead${trial}`))));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, `trial ${trial}: ${results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'won')).join('; ')}`).toHaveLength(1);
      expect((won[0] as PromiseFulfilledResult<{ user: { id: string } }>).value.user.id).not.toBe(old.user.id);
    }
  });

  it("a create that takes over a dead invitee's externalId while its deletion is halfway frees its userName too", async () => {
    // Create A deletes the dead invitee and stops before releasing its userName (a slow clean-up,
    // or a process that died there). Create B finds the invitee's externalId row Created with no
    // user behind it, takes it over, and must not then fail on the invitee's userName claim.
    const { identity, creates, token, old } = await deadInvitee('halfway');
    const release = identity.users.releaseHandle.bind(identity.users);
    let reached!: () => void;
    const atRelease = new Promise<void>((r) => (reached = r));
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    vi.spyOn(identity.users, 'releaseHandle').mockImplementationOnce(async (h, owner) => {
      reached();
      await gate;
      return release(h, owner);
    });
    const a = creates.create(token, body('halfway')).then(
      (u) => ({ won: true, id: u.user.id }),
      (e: unknown) => ({ won: false, e }),
    );
    await atRelease;
    const b = await creates.create(token, body('halfway'));
    expect(b.user.id).not.toBe(old.user.id);
    expect(await identity.users.lookupHandle('halfway')).toBe(b.user.id);
    go();
    expect(await a).toMatchObject({ won: false, e: { code: 'uniqueness' } });
    // A's late release of the dead user's claim leaves B's alone.
    expect(await identity.users.lookupHandle('halfway')).toBe(b.user.id);
  });
});
