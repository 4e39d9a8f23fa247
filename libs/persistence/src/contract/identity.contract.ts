import { randomUUID } from 'node:crypto';
import {
  type Role,
  type Team,
  type TeamId,
  type TeamMember,
  type User,
  type UserId,
  emailKey,
  newTeamId,
  newUserId,
  roles,
  userStatuses,
} from '@sso/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareByToken } from '../memory/identity-tables';
import { compareUuid } from '../memory/ordering';
import type { CookieRecord, IdentityStores } from '../ports/identity-stores';
import { InvalidCursorError, type Page } from '../ports/paging';
import { concurrently, inChunks } from './env.contract';
import { allPages } from './saml-user.contract';

/**
 * What the identity contract runs against: the stores and a way to let time pass (the twin's fake
 * clock jumps; against Cassandra the test really waits, so cookie TTLs stay at 1-2 s).
 */
interface IdentityContractEnv {
  stores: IdentityStores;
  now(): Date;
  elapse(seconds: number): Promise<void>;
}

type GetIdentityEnv = () => IdentityContractEnv;

const unique = () => randomUUID().replace(/-/g, '').slice(0, 16);

export function userFixture(over: Partial<User> = {}): User {
  const tag = unique();
  return {
    id: newUserId(),
    team: newTeamId(),
    name: 'Zoë Ångström-Łukasiewicz 🚀 名前',
    handle: `h${tag}`,
    email: `zoe.${tag}@example.com`,
    emailUnvalidated: `zoe.new.${tag}@example.org`,
    language: 'de',
    country: 'AT',
    status: 'active',
    managedBy: 'scim',
    ssoId: `{"tenant":"https://idp.example.com/${tag}","subject":"<NameID>zoë@example.com</NameID>"}`,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
    activated: true,
    ...over,
  };
}

/** A user with every optional field null. */
export function bareUser(over: Partial<User> = {}): User {
  return userFixture({
    team: null,
    handle: null,
    email: null,
    emailUnvalidated: null,
    language: null,
    country: null,
    ssoId: null,
    passwordHash: null,
    managedBy: 'wire',
    activated: false,
    ...over,
  });
}

export const teamFixture = (over: Partial<Team> = {}): Team => ({
  id: newTeamId(),
  name: 'Équipe Ω 🛰',
  creator: newUserId(),
  deleted: false,
  ...over,
});

export const memberFixture = (team: TeamId, over: Partial<TeamMember> = {}): TeamMember => ({
  team,
  user: newUserId(),
  role: 'member',
  invitedBy: newUserId(),
  invitedAt: new Date(Date.UTC(2025, 2, 3, 4, 5, 6, 789)),
  ...over,
});

export function cookieFixture(user: UserId, now: Date, over: Partial<CookieRecord> = {}): CookieRecord {
  return {
    user,
    id: BigInt.asIntN(64, BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 16)}`)),
    expires: new Date(now.getTime() + 3600_000 + 123),
    created: new Date(now.getTime() - 5_000),
    label: 'Firefox on Linux 🦊',
    type: 'persistent',
    ...over,
  };
}

/**
 * Ids that Cassandra's uuid order puts elsewhere than byte order or string order: version-1 ids
 * whose timestamp order differs from their bytes, and v4 ids differing only in the low half.
 */
function awkwardUuids(n: number): UserId[] {
  const fixed = [
    '00000001-ffff-1000-8000-000000000000',
    'ffffffff-0000-1001-8000-000000000000',
    '00000000-0000-4000-0000-000000000001',
    '00000000-0000-4000-ffff-000000000000',
    '80000000-0000-4000-8000-000000000000',
  ];
  const tail = unique().slice(0, 12);
  const ids = fixed.map((id) => `${id.slice(0, 24)}${tail}`);
  while (ids.length < n) ids.push(randomUUID());
  return ids.slice(0, n) as UserId[];
}

/**
 * `SELECT token(team)` for these ids on Cassandra 5.0 (Murmur3Partitioner); the Cassandra spec
 * checks them against the live node, the twin spec against the twins' Murmur3.
 */
export const KNOWN_TOKENS: ReadonlyArray<readonly [string, bigint]> = [
  ['00000000-0000-0000-0000-000000000000', 5457549051747178710n],
  ['00000000-0000-1000-8000-000000000000', -5443692524158662273n],
  ['ffffffff-ffff-4fff-bfff-ffffffffffff', -5207082310825530663n],
  ['123e4567-e89b-12d3-a456-426614174000', -44119901388393997n],
  ['6f1b3c1e-8d7a-4c2e-9b1f-0a2b3c4d5e6f', 1039412487725224643n],
];

/** Every page of the team scan; the table is shared, so only our own teams are known. */
async function scanTeams(stores: IdentityStores, limit: number): Promise<{ items: Team[]; pages: number }> {
  const items: Team[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const page: Page<Team> = await stores.teams.listTeams({ limit, cursor });
    items.push(...page.items);
    pages += 1;
    cursor = page.cursor;
    if (pages > 1000) throw new Error('team scan does not end');
  } while (cursor !== null);
  return { items, pages };
}

/** The whole identity contract (brig and galley stores), against one implementation. */
export function identityStoreContract(label: string, setup: () => Promise<IdentityContractEnv & { teardown?: () => Promise<void> }>): void {
  describe(`identity stores contract: ${label}`, () => {
    let env: (IdentityContractEnv & { teardown?: () => Promise<void> }) | undefined;
    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => env?.teardown?.());
    const get: GetIdentityEnv = () => {
      if (!env) throw new Error('contract environment not set up');
      return env;
    };
    userContract(get);
    uniqueKeyContract(get);
    teamContract(get);
    cookieContract(get);
  });
}

function userContract(env: GetIdentityEnv): void {
  describe('UserStore: user and rich_info', () => {
    it('puts and gets a user with every field set, and one with every optional field null', async () => {
      const { stores } = env();
      const full = userFixture();
      const bare = bareUser();
      await stores.users.put(full);
      await stores.users.put(bare);
      expect(await stores.users.get(full.id)).toEqual(full);
      expect(await stores.users.get(bare.id)).toEqual(bare);
      expect(await stores.users.get(newUserId())).toBeNull();
    });

    it('round-trips every status and both managed_by values', async () => {
      const { stores } = env();
      const users = userStatuses.flatMap((status) => (['wire', 'scim'] as const).map((managedBy) => userFixture({ status, managedBy })));
      for (const u of users) await stores.users.put(u);
      for (const u of users) expect(await stores.users.get(u.id)).toEqual(u);
    });

    it('put replaces the whole row: fields the new value lacks become null', async () => {
      const { stores } = env();
      const full = userFixture();
      await stores.users.put(full);
      const replaced = bareUser({ id: full.id, name: 'Renamed', status: 'suspended' });
      await stores.users.put(replaced);
      expect(await stores.users.get(full.id)).toEqual(replaced);
    });

    it('update sets the named columns only, null clears one, and nothing else changes', async () => {
      const { stores } = env();
      const u = userFixture();
      const other = userFixture();
      await stores.users.put(u);
      await stores.users.put(other);
      const first = { name: 'Ελένη', status: 'deleted', handle: null, passwordHash: '$argon2id$new', managedBy: 'wire' } as const;
      await stores.users.update(u.id, first);
      expect(await stores.users.get(u.id)).toEqual({ ...u, ...first });
      await stores.users.update(u.id, { activated: false, team: null, emailUnvalidated: undefined });
      expect(await stores.users.get(u.id)).toEqual({ ...u, ...first, activated: false, team: null });
      await stores.users.update(u.id, {});
      expect((await stores.users.get(u.id))?.emailUnvalidated).toBe(u.emailUnvalidated);
      expect(await stores.users.get(other.id)).toEqual(other);
    });

    it('an update of a missing or deleted user brings back no user', async () => {
      const { stores } = env();
      const ghost = newUserId();
      await stores.users.update(ghost, { name: 'ghost', status: 'active' });
      expect(await stores.users.get(ghost)).toBeNull();
      const u = userFixture();
      await stores.users.put(u);
      await stores.users.delete(u.id);
      await stores.users.update(u.id, { status: 'suspended', email: 'late@example.com' });
      expect(await stores.users.get(u.id)).toBeNull();
      expect(await stores.users.getMany([ghost, u.id])).toEqual([]);
    });

    it('getMany returns the users found in the order asked, each once, across several IN batches', async () => {
      const { stores } = env();
      const users = Array.from({ length: 130 }, (_, i) => (i % 2 ? userFixture() : bareUser()));
      await inChunks(users, (u) => stores.users.put(u));
      const missing = [newUserId(), newUserId()];
      const asked = [missing[0]!, ...[...users].reverse().map((u) => u.id), users[3]!.id, missing[1]!];
      expect(await stores.users.getMany(asked)).toEqual([...users].reverse());
      expect(await stores.users.getMany([])).toEqual([]);
      expect(await stores.users.getMany(missing)).toEqual([]);
    });

    it('deletes a user with its rich info, leaving other users alone', async () => {
      const { stores } = env();
      const [a, b] = [userFixture(), userFixture()];
      await stores.users.put(a);
      await stores.users.put(b);
      const json = JSON.stringify({ version: 0, fields: [{ type: 'Département', value: 'Ölförsäljning 🍺' }] });
      await stores.users.putRichInfo(a.id, json);
      await stores.users.putRichInfo(b.id, '{"fields":[]}');
      expect(await stores.users.getRichInfo(a.id)).toBe(json);
      await stores.users.putRichInfo(a.id, '{"fields":[{"type":"x","value":"y"}]}');
      expect(await stores.users.getRichInfo(a.id)).toBe('{"fields":[{"type":"x","value":"y"}]}');
      await stores.users.delete(a.id);
      expect(await stores.users.get(a.id)).toBeNull();
      expect(await stores.users.getRichInfo(a.id)).toBeNull();
      expect(await stores.users.get(b.id)).toEqual(b);
      expect(await stores.users.getRichInfo(b.id)).toBe('{"fields":[]}');
      expect(await stores.users.getRichInfo(newUserId())).toBeNull();
    });

    it('updateWithRichInfo sets the given columns and the rich info together, and only those', async () => {
      const { stores } = env();
      const [a, b] = [userFixture(), userFixture()];
      await stores.users.put(a);
      await stores.users.put(b);
      await stores.users.putRichInfo(a.id, '{"fields":[]}');
      await stores.users.putRichInfo(b.id, '{"fields":[{"type":"b","value":"b"}]}');
      const json = '{"version":0,"fields":[{"type":"x","value":"y"}]}';
      await stores.users.updateWithRichInfo(a.id, { name: 'Renamed', handle: undefined, status: 'suspended' }, json);
      expect(await stores.users.get(a.id)).toEqual({ ...a, name: 'Renamed', status: 'suspended' });
      expect(await stores.users.getRichInfo(a.id)).toBe(json);
      // No columns: the rich info alone.
      await stores.users.updateWithRichInfo(a.id, {}, '{"fields":[]}');
      expect(await stores.users.get(a.id)).toEqual({ ...a, name: 'Renamed', status: 'suspended' });
      expect(await stores.users.getRichInfo(a.id)).toBe('{"fields":[]}');
      expect(await stores.users.get(b.id)).toEqual(b);
      expect(await stores.users.getRichInfo(b.id)).toBe('{"fields":[{"type":"b","value":"b"}]}');
    });
  });
}

type KeyKind = 'handle' | 'email';

function keyOps(stores: IdentityStores, kind: KeyKind) {
  const u = stores.users;
  return kind === 'handle'
    ? { claim: u.claimHandle.bind(u), release: u.releaseHandle.bind(u), lookup: u.lookupHandle.bind(u), key: () => `handle-${unique()}` }
    : {
        claim: u.claimEmail.bind(u),
        release: u.releaseEmail.bind(u),
        lookup: u.lookupEmail.bind(u),
        key: () => emailKey(` Zoë.${unique()}@Example.COM `),
      };
}

function uniqueKeyContract(env: GetIdentityEnv): void {
  for (const kind of ['handle', 'email'] as const) {
    const table = kind === 'handle' ? 'user_handle' : 'user_keys';
    describe(`UserStore: ${kind} claims (${table}, lightweight transactions)`, () => {
      it('claims a free key, lets its owner claim it again, and tells others the owner', async () => {
        const ops = keyOps(env().stores, kind);
        const key = ops.key();
        const [alice, bob] = [newUserId(), newUserId()];
        expect(await ops.lookup(key)).toBeNull();
        expect(await ops.claim(key, alice)).toEqual({ ok: true });
        expect(await ops.lookup(key)).toBe(alice);
        expect(await ops.claim(key, alice)).toEqual({ ok: true });
        expect(await ops.claim(key, bob)).toEqual({ ok: false, owner: alice });
        expect(await ops.lookup(key)).toBe(alice);
      });

      it(`of 20 concurrent claims of one ${kind} exactly one wins, and every loser is told the winner`, async () => {
        const ops = keyOps(env().stores, kind);
        const key = ops.key();
        const uids = Array.from({ length: 20 }, () => newUserId());
        const results = await concurrently(20, (i) => ops.claim(key, uids[i]!));
        const winners = uids.filter((_, i) => results[i]!.ok);
        expect(winners).toHaveLength(1);
        for (const r of results) if (!r.ok) expect(r.owner).toBe(winners[0]);
        expect(await ops.lookup(key)).toBe(winners[0]);
      });

      it('a release by anyone but the owner does nothing; after the owner releases, another can claim', async () => {
        const ops = keyOps(env().stores, kind);
        const [key, other] = [ops.key(), ops.key()];
        const [alice, bob] = [newUserId(), newUserId()];
        await ops.claim(key, alice);
        await ops.claim(other, bob);
        await ops.release(key, bob);
        expect(await ops.lookup(key)).toBe(alice);
        expect(await ops.claim(key, bob)).toEqual({ ok: false, owner: alice });
        await ops.release(key, alice);
        expect(await ops.lookup(key)).toBeNull();
        expect(await ops.lookup(other)).toBe(bob);
        await ops.release(key, alice); // releasing a free key is harmless
        expect(await ops.claim(key, bob)).toEqual({ ok: true });
        expect(await ops.lookup(key)).toBe(bob);
        expect(await ops.claim(key, alice)).toEqual({ ok: false, owner: bob });
      });
    });
  }

  describe('UserStore: handles and email keys are separate tables', () => {
    it('the same string can be one user’s handle and another’s email key', async () => {
      const { stores } = env();
      const s = `same-${unique()}`;
      const [alice, bob] = [newUserId(), newUserId()];
      expect(await stores.users.claimHandle(s, alice)).toEqual({ ok: true });
      expect(await stores.users.claimEmail(s, bob)).toEqual({ ok: true });
      await stores.users.releaseEmail(s, alice);
      expect(await stores.users.lookupHandle(s)).toBe(alice);
      expect(await stores.users.lookupEmail(s)).toBe(bob);
    });
  });
}

function teamContract(env: GetIdentityEnv): void {
  describe('TeamStore: team, team_member, user_team', () => {
    it('keeps the sso feature status per team: unset, then enabled and disabled again', async () => {
      const { stores } = env();
      const a = newTeamId();
      const b = newTeamId();
      expect(await stores.teams.ssoStatus(a)).toBeNull();
      await stores.teams.setSsoStatus(a, 'enabled');
      expect(await stores.teams.ssoStatus(a)).toBe('enabled');
      expect(await stores.teams.ssoStatus(b)).toBeNull();
      await stores.teams.setSsoStatus(a, 'disabled');
      expect(await stores.teams.ssoStatus(a)).toBe('disabled');
    });

    it('keeps validateSAMLemails apart from sso, per team', async () => {
      const { stores } = env();
      const a = newTeamId();
      const b = newTeamId();
      expect(await stores.teams.validateSamlEmailsStatus(a)).toBeNull();
      await stores.teams.setValidateSamlEmailsStatus(a, 'enabled');
      expect(await stores.teams.validateSamlEmailsStatus(a)).toBe('enabled');
      expect(await stores.teams.ssoStatus(a)).toBeNull();
      expect(await stores.teams.validateSamlEmailsStatus(b)).toBeNull();
      await stores.teams.setSsoStatus(a, 'enabled');
      await stores.teams.setValidateSamlEmailsStatus(a, 'disabled');
      expect(await stores.teams.validateSamlEmailsStatus(a)).toBe('disabled');
      expect(await stores.teams.ssoStatus(a)).toBe('enabled');
    });

    it('creates and gets teams', async () => {
      const { stores } = env();
      const t = teamFixture();
      const gone = teamFixture({ deleted: true, name: 'x' });
      await stores.teams.createTeam(t);
      await stores.teams.createTeam(gone);
      expect(await stores.teams.getTeam(t.id)).toEqual(t);
      expect(await stores.teams.getTeam(gone.id)).toEqual(gone);
      expect(await stores.teams.getTeam(newTeamId())).toBeNull();
      await stores.teams.deleteTeam(gone.id);
      await stores.teams.deleteTeam(newTeamId());
      expect(await stores.teams.getTeam(gone.id)).toBeNull();
      expect(await stores.teams.getTeam(t.id)).toEqual(t);
    });

    it('adds members with each role, reads them back, changes roles and finds the team of a user', async () => {
      const { stores } = env();
      const team = newTeamId();
      const members = roles.map((role) => memberFixture(team, { role }));
      const uninvited = memberFixture(team, { invitedBy: null, invitedAt: null });
      for (const m of [...members, uninvited]) await stores.teams.addMember(m);
      for (const m of [...members, uninvited]) expect(await stores.teams.getMember(team, m.user)).toEqual(m);
      expect(await stores.teams.teamOf(uninvited.user)).toBe(team);

      const changes: Array<[TeamMember, Role]> = members.map((m, i) => [m, roles[(i + 1) % roles.length]!]);
      for (const [m, role] of changes) await stores.teams.setRole(team, m.user, role);
      for (const [m, role] of changes) expect(await stores.teams.getMember(team, m.user)).toEqual({ ...m, role });
      expect(await stores.teams.getMember(team, uninvited.user)).toEqual(uninvited);

      expect(await stores.teams.getMember(newTeamId(), members[0]!.user)).toBeNull();
      expect(await stores.teams.getMember(team, newUserId())).toBeNull();
      expect(await stores.teams.teamOf(newUserId())).toBeNull();
    });

    it('setRole of a non-member makes no member', async () => {
      const { stores } = env();
      const team = newTeamId();
      const stranger = newUserId();
      await stores.teams.setRole(team, stranger, 'owner');
      expect(await stores.teams.getMember(team, stranger)).toBeNull();
      expect(await stores.teams.teamOf(stranger)).toBeNull();
      expect((await stores.teams.listMembers(team, {})).items).toEqual([]);
    });

    it('removeMember removes the member and the user_team row, and nothing else', async () => {
      const { stores } = env();
      const [team, other] = [newTeamId(), newTeamId()];
      const [gone, stays] = [memberFixture(team, { role: 'admin' }), memberFixture(team)];
      const elsewhere = memberFixture(other, { user: gone.user }); // the same user in another team
      for (const m of [gone, stays, elsewhere]) await stores.teams.addMember(m);
      await stores.teams.removeMember(team, gone.user);
      expect(await stores.teams.getMember(team, gone.user)).toBeNull();
      expect(await stores.teams.teamOf(gone.user)).toBe(other);
      expect(await stores.teams.getMember(other, gone.user)).toEqual(elsewhere);
      expect(await stores.teams.getMember(team, stays.user)).toEqual(stays);
      expect(await stores.teams.teamOf(stays.user)).toBe(team);
      await stores.teams.removeMember(other, gone.user);
      expect(await stores.teams.teamOf(gone.user)).toBeNull();
      expect((await stores.teams.listMembers(team, {})).items).toEqual([stays]);
    });

    it('removeMemberOnce: of concurrent removals exactly one says it removed the member; the rows go either way', async () => {
      const { stores } = env();
      const [team, other] = [newTeamId(), newTeamId()];
      const m = memberFixture(team);
      const elsewhere = memberFixture(other, { user: m.user });
      await stores.teams.addMember(m);
      await stores.teams.addMember(elsewhere);
      const answers = await Promise.all(Array.from({ length: 6 }, () => stores.teams.removeMemberOnce(team, m.user)));
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await stores.teams.getMember(team, m.user)).toBeNull();
      expect(await stores.teams.teamOf(m.user)).toBe(other);
      expect(await stores.teams.removeMemberOnce(team, m.user)).toBe(false);
      expect(await stores.teams.getMember(other, m.user)).toEqual(elsewhere);
    });

    it("pages a team's 250 members by 100, every member once, in Cassandra's uuid order", async () => {
      const { stores } = env();
      const team = newTeamId();
      const members = awkwardUuids(250).map((user, i) =>
        memberFixture(team, { user, role: roles[i % roles.length]!, invitedAt: i % 3 ? null : new Date(Date.UTC(2024, 0, 1, 0, 0, i)) }),
      );
      await inChunks(members, (m) => stores.teams.addMember(m));
      await stores.teams.addMember(memberFixture(newTeamId()));
      const { items, sizes } = await allPages((cursor) => stores.teams.listMembers(team, { limit: 100, cursor }));
      expect(sizes).toEqual([100, 100, 50]);
      expect(items.map((m) => m.user)).toEqual(members.map((m) => m.user).sort(compareUuid));
      const byUser = new Map(members.map((m) => [m.user, m]));
      for (const m of items) expect(m).toEqual(byUser.get(m.user));
      // the default page size is 100, and a full last page carries a cursor to an empty page
      const first = await stores.teams.listMembers(team, {});
      expect(first.items).toEqual(items.slice(0, 100));
      const exact = await allPages((cursor) => stores.teams.listMembers(team, { limit: 125, cursor }));
      expect(exact.sizes).toEqual([125, 125, 0]);
    });

    it('refuses a cursor made for another team or another listing', async () => {
      const { stores } = env();
      const [a, b] = [newTeamId(), newTeamId()];
      for (let i = 0; i < 3; i++) await stores.teams.addMember(memberFixture(a));
      await stores.teams.addMember(memberFixture(b));
      const page = await stores.teams.listMembers(a, { limit: 2 });
      expect(page.cursor).not.toBeNull();
      await expect(stores.teams.listMembers(b, { limit: 2, cursor: page.cursor })).rejects.toThrow(InvalidCursorError);
      await expect(stores.teams.listTeams({ limit: 2, cursor: page.cursor })).rejects.toThrow(InvalidCursorError);
      await expect(stores.teams.listMembers(a, { limit: 2, cursor: 'not a cursor' })).rejects.toThrow(InvalidCursorError);
      expect((await stores.teams.listMembers(a, { limit: 2, cursor: page.cursor })).items).toHaveLength(1);
    });

    it('listTeams scans every team once, in token order, over several pages', async () => {
      const { stores } = env();
      const ours = Array.from({ length: 30 }, (_, i) => teamFixture({ name: `scan ${i} ✓`, deleted: i % 7 === 0 }));
      await inChunks(ours, (t) => stores.teams.createTeam(t));
      const all = await scanTeams(stores, 5000);
      const limit = Math.min(5000, Math.max(5, Math.ceil(all.items.length / 4)));
      const { items, pages } = await scanTeams(stores, limit);
      expect(pages).toBeGreaterThanOrEqual(4);
      const ids = items.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (let i = 1; i < ids.length; i++) expect(compareByToken(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
      const byId = new Map(items.map((t) => [t.id, t]));
      for (const t of ours) expect(byId.get(t.id)).toEqual(t);
    });
  });
}

function cookieContract(env: GetIdentityEnv): void {
  describe('CookieStore: user_cookies', () => {
    it('inserts, gets (by the full key) and deletes a cookie; other cookies stay', async () => {
      const { stores, now } = env();
      const user = newUserId();
      const a = cookieFixture(user, now());
      const b = cookieFixture(user, now(), { id: -(2n ** 63n), label: null, type: 'session' });
      const c = cookieFixture(user, now(), { id: 2n ** 63n - 1n, expires: a.expires });
      for (const x of [a, b, c]) await stores.cookies.insert(x);
      for (const x of [a, b, c]) expect(await stores.cookies.get(user, x.expires, x.id)).toEqual(x);
      expect(await stores.cookies.get(user, new Date(a.expires.getTime() + 1), a.id)).toBeNull();
      expect(await stores.cookies.get(user, a.expires, a.id + 1n)).toBeNull();
      expect(await stores.cookies.get(newUserId(), a.expires, a.id)).toBeNull();
      await stores.cookies.delete(user, a.expires, a.id);
      expect(await stores.cookies.get(user, a.expires, a.id)).toBeNull();
      expect(await stores.cookies.get(user, c.expires, c.id)).toEqual(c);
      expect(await stores.cookies.get(user, b.expires, b.id)).toEqual(b);
    });

    it('refuses ids that do not fit a signed 64-bit column', async () => {
      const { stores, now } = env();
      await expect(stores.cookies.insert(cookieFixture(newUserId(), now(), { id: 2n ** 63n }))).rejects.toThrow(RangeError);
      await expect(stores.cookies.get(newUserId(), now(), -(2n ** 63n) - 1n)).rejects.toThrow(RangeError);
    });

    it('a cookie is gone once its expiry has passed (TTL)', async () => {
      const { stores, now, elapse } = env();
      const user = newUserId();
      const short = cookieFixture(user, now(), { expires: new Date(now().getTime() + 2000), type: 'session' });
      const long = cookieFixture(user, now());
      await stores.cookies.insert(short);
      await stores.cookies.insert(long);
      expect(await stores.cookies.get(user, short.expires, short.id)).toEqual(short);
      await elapse(2);
      expect(await stores.cookies.get(user, short.expires, short.id)).toBeNull();
      expect(await stores.cookies.listByUser(user)).toEqual([long]);
    });

    it('lists a user’s cookies by expiry then id (signed), and deletes them all, leaving other users’', async () => {
      const { stores, now } = env();
      const [user, other] = [newUserId(), newUserId()];
      const t0 = now().getTime();
      const at = (s: number) => new Date(t0 + s * 1000 + 7);
      const cookies = [
        cookieFixture(user, now(), { expires: at(900), id: 5n }),
        cookieFixture(user, now(), { expires: at(300), id: 10n }),
        cookieFixture(user, now(), { expires: at(300), id: -3n }),
        cookieFixture(user, now(), { expires: at(600), id: 2n ** 40n, type: 'session', label: null }),
        cookieFixture(user, now(), { expires: at(300), id: -(2n ** 50n) }),
      ];
      const others = [cookieFixture(other, now()), cookieFixture(other, now(), { type: 'session' })];
      for (const c of [...cookies, ...others]) await stores.cookies.insert(c);
      expect(await stores.cookies.listByUser(user)).toEqual([cookies[4], cookies[2], cookies[1], cookies[3], cookies[0]]);
      await stores.cookies.deleteAllByUser(user);
      expect(await stores.cookies.listByUser(user)).toEqual([]);
      expect(await stores.cookies.get(user, cookies[0]!.expires, cookies[0]!.id)).toBeNull();
      const otherList = await stores.cookies.listByUser(other);
      expect(otherList).toHaveLength(2);
      expect(new Set(otherList.map((c) => c.id))).toEqual(new Set(others.map((c) => c.id)));
      expect(await stores.cookies.listByUser(newUserId())).toEqual([]);
    });
  });
}
