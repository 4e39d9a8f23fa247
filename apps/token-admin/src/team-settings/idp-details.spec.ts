import { beforeAll, describe, expect, it } from 'vitest';
import { TeamAccess } from '@sso/auth';
import { DomainError, FakeClock, type IdpId, type TeamId, type UserId, newIdpId, newTeamId, newUserId, newUserRecord } from '@sso/domain';
import { type IdpRecord, MemoryIdpMetadataSourceStore, memoryIdentityStores, memorySparStores } from '@sso/persistence';
import { keyInfoXml } from '@sso/saml';
import { type TestKey, makeTestKey, memoryTestConfig } from '@sso/testing';
import { CERT_WARNING_DAYS, IdpDetailsReader, certificateInfo, publicBaseUrl } from './idp-details';

const DAY = 86_400_000;

describe('IdpDetailsReader', () => {
  let key: TestKey;
  let notAfter: Date;

  beforeAll(async () => {
    key = await makeTestKey('details-idp'); // valid two days from now
    notAfter = new Date(certificateInfo(keyInfoXml(key.certBase64), new Date()).not_after!);
  });

  function setup(config = memoryTestConfig()) {
    const clock = new FakeClock(Date.now());
    const spar = memorySparStores(clock);
    const identity = memoryIdentityStores(clock);
    const sources = new MemoryIdpMetadataSourceStore(clock);
    const reader = new IdpDetailsReader(spar, identity, sources, new TeamAccess(identity.teams), config, clock);
    return { clock, spar, identity, sources, reader };
  }
  type Env = ReturnType<typeof setup>;

  async function member(env: Env, team: TeamId, role: 'owner' | 'admin' | 'member' = 'member'): Promise<UserId> {
    const id = newUserId();
    await env.identity.users.put(newUserRecord({ id, team, name: 'U' }));
    await env.identity.teams.addMember({ team, user: id, role, invitedBy: null, invitedAt: null });
    return id;
  }

  async function team(env: Env) {
    const id = newTeamId();
    const owner = newUserId();
    await env.identity.teams.createTeam({ id, name: 'T', creator: owner, deleted: false });
    await env.identity.users.put(newUserRecord({ id: owner, team: id, name: 'Owner' }));
    await env.identity.teams.addMember({ team: id, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    return { team: id, owner };
  }

  async function idp(env: Env, t: TeamId, fields: Partial<IdpRecord> = {}): Promise<IdpRecord> {
    const rec: IdpRecord = {
      id: newIdpId(),
      team: t,
      issuer: `https://idp.example.com/${newIdpId()}`,
      requestUri: 'https://idp.example.com/sso',
      certs: [keyInfoXml(key.certBase64)],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: null,
      domain: null,
      ...fields,
    };
    await env.spar.idps.insert(rec);
    return rec;
  }

  async function bind(env: Env, issuer: string, uid: UserId, n: string) {
    await env.spar.samlUsers.insert({ issuer, normalizedNameId: n, ssoId: `<NameID>${n}</NameID>`, uid });
  }

  it('names the SSO code, login URL, SP metadata and SCIM base from saml.spSsoUri', async () => {
    const env = setup(memoryTestConfig({ 'saml.spSsoUri': 'https://wire.example.com/prefix/sso' }));
    const { team: t, owner } = await team(env);
    const a = await idp(env, t);
    const v1 = await idp(env, t, { apiVersion: 1, handle: 'Legacy' });
    const d = await env.reader.forCaller(owner, undefined, 'http://ignored');
    expect(d).toMatchObject({
      team: t,
      public_url: 'https://wire.example.com/prefix',
      sp_metadata_url: `https://wire.example.com/prefix/sso/metadata/${t}`,
      scim_base_url: 'https://wire.example.com/prefix/scim/v2',
      cert_warning_days: CERT_WARNING_DAYS,
      scim_token_limit: 8,
    });
    const byId = Object.fromEntries(d.idps.map((i) => [i.id, i]));
    // A stored handle is shown as is; a legacy null one as spar computes it: "IdP <position in the team's list>".
    const position = (await env.spar.idps.listByTeam(t)).findIndex((i) => i.id === a.id) + 1;
    expect(byId[a.id]).toMatchObject({
      handle: `IdP ${position}`,
      issuer: a.issuer,
      sso_code: `wire-${a.id}`,
      login_url: `https://wire.example.com/prefix/sso/login?code=wire-${a.id}`,
      sp_metadata_url: `https://wire.example.com/prefix/sso/metadata/${t}`,
      sp_entity_id: `https://wire.example.com/prefix/sso/finalize-login/${t}`,
    });
    expect(byId[v1.id]).toMatchObject({
      handle: 'Legacy',
      sp_metadata_url: 'https://wire.example.com/prefix/sso/metadata',
      sp_entity_id: 'https://wire.example.com/prefix/sso/finalize-login',
    });
  });

  it('flags certificates: ok beyond 30 days, expiring within, expired after; the earliest expiry and the worst status', async () => {
    const env = setup();
    const { team: t, owner } = await team(env);
    const other = await makeTestKey('later-idp');
    await idp(env, t, { certs: [keyInfoXml(key.certBase64), keyInfoXml(other.certBase64)] });
    // The test certificates live two days; move the clock instead of minting old ones.
    const at = async (ms: number) => {
      const clock = new FakeClock(ms);
      const reader = new IdpDetailsReader(
        env.spar,
        env.identity,
        env.sources,
        new TeamAccess(env.identity.teams),
        memoryTestConfig(),
        clock,
      );
      return (await reader.forCaller(owner, undefined, 'http://x')).idps[0];
    };
    const early = await at(notAfter.getTime() - (CERT_WARNING_DAYS + 1) * DAY);
    expect(early.cert_status).toBe('ok');
    expect(early.certificates.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(early.certificates[0].subject).toBe('CN=details-idp');
    expect(early.cert_expiry).toBe(notAfter.toISOString()); // the first key's is the earlier of the two
    expect((await at(notAfter.getTime() - CERT_WARNING_DAYS * DAY + 1000)).cert_status).toBe('expiring');
    const late = await at(notAfter.getTime() + 1000);
    expect(late.cert_status).toBe('expired');
    expect(late.certificates[0].status).toBe('expired');
  });

  it('reports a stored certificate it cannot read as unreadable, not as an error', () => {
    const garbage = '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo>';
    expect(certificateInfo(garbage, new Date())).toEqual({ subject: null, not_after: null, status: 'unreadable' });
    expect(certificateInfo('<nothing/>', new Date()).status).toBe('unreadable');
  });

  it('tells uploaded metadata from metadata fetched from a URL, with the last refresh and its error', async () => {
    const env = setup();
    const { team: t, owner } = await team(env);
    const uploaded = await idp(env, t);
    const fetched = await idp(env, t);
    const checkedAt = new Date(Date.UTC(2026, 11, 4, 8));
    await env.sources.put({
      idp: fetched.id,
      team: t,
      url: 'https://idp.example.com/metadata.xml',
      checkedAt,
      appliedAt: new Date(checkedAt.getTime() - 3_600_000),
      validUntil: null,
      lastError: 'fetch failed: 503',
    });
    const d = await env.reader.forCaller(owner, undefined, 'http://x');
    const byId = Object.fromEntries(d.idps.map((i) => [i.id, i]));
    expect(byId[uploaded.id].metadata_source).toEqual({ kind: 'upload' });
    expect(byId[fetched.id].metadata_source).toEqual({
      kind: 'url',
      url: 'https://idp.example.com/metadata.xml',
      checked_at: checkedAt.toISOString(),
      applied_at: new Date(checkedAt.getTime() - 3_600_000).toISOString(),
      valid_until: null,
      last_error: 'fetch failed: 503',
    });
  });

  it("counts only the team's users bound to the IdP's issuer, across pages, as IdP delete does", async () => {
    const env = setup();
    const { team: t, owner } = await team(env);
    const { team: otherTeam } = await team(env);
    const mine = await idp(env, t);
    const empty = await idp(env, t);
    // Another team's IdP with the same issuer (v2 issuers are unique per team only).
    await idp(env, otherTeam, { issuer: mine.issuer });
    for (let i = 0; i < 1005; i++) await bind(env, mine.issuer, await member(env, t), `u${String(i).padStart(5, '0')}`);
    for (let i = 0; i < 7; i++) await bind(env, mine.issuer, await member(env, otherTeam), `o${i}`);
    // A row whose user has no team any more, and one on an old issuer: neither is this IdP's now.
    await bind(env, mine.issuer, newUserId(), 'orphan');
    await bind(env, 'https://old.example.com', await member(env, t), 'old');
    const d = await env.reader.forCaller(owner, undefined, 'http://x');
    const byId = Object.fromEntries(d.idps.map((i) => [i.id, i]));
    expect(byId[mine.id].bound_users).toBe(1005);
    expect(byId[empty.id].bound_users).toBe(0);
  });

  it('reads only the IdP issuer partition: one listing per 1000 rows, one team lookup per row', async () => {
    const env = setup();
    const { team: t } = await team(env);
    const rec = await idp(env, t);
    for (let i = 0; i < 1001; i++) await bind(env, rec.issuer, await member(env, t), `n${String(i).padStart(5, '0')}`);
    const issuers: string[] = [];
    const list = env.spar.samlUsers.listByIssuer.bind(env.spar.samlUsers);
    env.spar.samlUsers.listByIssuer = (issuer, page) => {
      issuers.push(issuer);
      expect(page?.limit).toBe(1000);
      return list(issuer, page);
    };
    let lookups = 0;
    const teamOf = env.identity.teams.teamOf.bind(env.identity.teams);
    env.identity.teams.teamOf = (u) => {
      lookups++;
      return teamOf(u);
    };
    expect(await env.reader.countBoundUsers(rec)).toBe(1001);
    expect(new Set(issuers)).toEqual(new Set([rec.issuer]));
    expect(issuers.length).toBeLessThanOrEqual(3);
    expect(lookups).toBe(1001);
  });

  it('refuses members without admin rights and users without a team, with the API labels', async () => {
    const env = setup();
    const { team: t } = await team(env);
    const plain = await member(env, t, 'member');
    const admin = await member(env, t, 'admin');
    await expect(env.reader.forCaller(plain, undefined, 'http://x')).rejects.toMatchObject({ code: 'insufficient-permissions' });
    await expect(env.reader.forCaller(newUserId(), undefined, 'http://x')).rejects.toBeInstanceOf(DomainError);
    await expect(env.reader.forCaller(newUserId(), undefined, 'http://x')).rejects.toMatchObject({ code: 'no-team-member' });
    expect((await env.reader.forCaller(admin, undefined, 'http://x')).team).toBe(t);
  });

  it("never shows another team's IdPs", async () => {
    const env = setup();
    const { team: t, owner } = await team(env);
    const { team: other } = await team(env);
    const mine = await idp(env, t);
    await idp(env, other);
    const d = await env.reader.forCaller(owner, undefined, 'http://x');
    expect(d.idps.map((i) => i.id as IdpId)).toEqual([mine.id]);
  });
});

describe('publicBaseUrl', () => {
  it('strips /sso from saml.spSsoUri, with or without a trailing slash', () => {
    expect(publicBaseUrl(memoryTestConfig({ 'saml.spSsoUri': 'https://a.example.com/sso/' }), null)).toBe('https://a.example.com');
    expect(publicBaseUrl(memoryTestConfig({ 'saml.spSsoUri': 'https://a.example.com/sso' }), 'ignored.example.com')).toBe(
      'https://a.example.com',
    );
  });

  it('multi-ingress: the SP of the host, and none for a host that is not configured', () => {
    const config = memoryTestConfig({
      'saml.spDomainConfigs': {
        'a.example.com': { spSsoUri: 'https://a.example.com/sso', spAppUri: 'https://a.example.com/' },
        'b.example.com': { spSsoUri: 'https://b.example.com/sso', spAppUri: 'https://b.example.com/' },
      },
    });
    expect(publicBaseUrl(config, 'B.example.com')).toBe('https://b.example.com');
    expect(publicBaseUrl(config, 'c.example.com')).toBeNull();
    expect(publicBaseUrl(config, null)).toBeNull();
  });
});
