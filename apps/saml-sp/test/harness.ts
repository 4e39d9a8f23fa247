import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { TokenService, generateKeyEntry, generateScimToken, hashScimToken, keyRingFromEntries } from '@sso/auth';
import type { Config } from '@sso/config';
import { type IdpId, type TeamId, type UserId, newScimTokenId, newTeamId, newUserId, newUserRecord, systemClock } from '@sso/domain';
import { CassandraDb, type IdentityStores, type SparStores, cassandraIdentityStores, cassandraSparStores } from '@sso/persistence';
import { brigSsoId, nameIdXml, normalizeNameId } from '@sso/saml';
import { type TestApp, type TestIdp, b64, startTestApp, testConfig } from '@sso/testing';
import { samlSp } from '../src/app';

export const SP_SSO = 'https://sp.example.com/sso';
const keyEntry = generateKeyEntry('saml-test');
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keyEntry]));

const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

/** saml-sp on the test keyspaces, with direct store access and bearer tokens for team admins. */
export class SamlHarness {
  t!: TestApp;
  db!: CassandraDb;
  spar!: SparStores;
  identity!: IdentityStores;
  readonly config: Config;
  private readonly tokens = new TokenService(keyRingFromEntries([keyEntry]), systemClock, 900);

  constructor(overrides: Record<string, unknown> = {}) {
    this.config = testConfig({ 'auth.keysFile': keysFile, 'saml.spSsoUri': SP_SSO, ...overrides });
  }

  /** `listen`: on an ephemeral port (`t.url`), for tests that drive it over real HTTP. */
  async start(opts: { listen?: boolean } = {}): Promise<this> {
    this.t = await startTestApp(samlSp, this.config, opts);
    this.db = new CassandraDb(this.config.cassandra);
    await this.db.connect();
    this.spar = cassandraSparStores(this.db, systemClock);
    this.identity = cassandraIdentityStores(this.db, systemClock);
    return this;
  }

  async stop(): Promise<void> {
    await this.t?.close();
    await this.db?.shutdown();
  }

  inject(method: string, url: string, opts: { token?: string; body?: string | object; headers?: Record<string, string> } = {}) {
    return this.t.app.inject({
      method: method as 'GET',
      url,
      payload: opts.body as never,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    });
  }

  async bearer(uid: UserId): Promise<string> {
    return this.tokens.issueAccess(uid);
  }

  async newUser(
    team: TeamId,
    role: 'owner' | 'admin' | 'member',
    extra: { ssoId?: string | null; managedBy?: 'wire' | 'scim'; name?: string } = {},
  ): Promise<UserId> {
    const id = newUserId();
    await this.identity.users.put(
      newUserRecord({ id, team, name: extra.name ?? 'User', managedBy: extra.managedBy ?? 'wire', ssoId: extra.ssoId ?? null }),
    );
    await this.identity.teams.addMember({ team, user: id, role, invitedBy: null, invitedAt: null });
    return id;
  }

  async newTeam(): Promise<{ team: TeamId; owner: UserId; token: string }> {
    const team = newTeamId();
    const owner = newUserId();
    await this.identity.teams.createTeam({ id: team, name: 'Team', creator: owner, deleted: false });
    await this.identity.users.put(newUserRecord({ id: owner, team, name: 'Owner' }));
    await this.identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    return { team, owner, token: await this.bearer(owner) };
  }

  /** A SCIM token of the team, bound to `idp` or to none; returns its secret. */
  async addScimToken(team: TeamId, idp: IdpId | null = null): Promise<string> {
    const secret = generateScimToken();
    await this.spar.scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(secret),
      createdAt: new Date(),
      idp,
      description: 'test',
      name: 'test',
    });
    return secret;
  }

  async createIdp(token: string, idp: TestIdp, query = '', versionPrefix = ''): Promise<IdpId> {
    const r = await this.inject('POST', `${versionPrefix}/identity-providers${query}`, {
      token,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as IdpId;
  }

  /** A SCIM-style user: brig row + user_v2 row, as scim-api writes them. */
  async bindUser(team: TeamId, issuer: string, nameId: string): Promise<UserId> {
    const n = { value: nameId, format: UNSPECIFIED, nameQualifier: null, spNameQualifier: null };
    const uid = await this.newUser(team, 'member', { ssoId: brigSsoId(issuer, n), managedBy: 'scim', name: nameId });
    await this.spar.samlUsers.insert({ issuer, normalizedNameId: normalizeNameId(n), ssoId: nameIdXml(n), uid });
    return uid;
  }

  /** GET initiate-login and the AuthnRequest ID inside the auto-post form. */
  async initiate(idp: IdpId, query = ''): Promise<string> {
    const r = await this.inject('GET', `/sso/initiate-login/${idp}${query}`);
    expect(r.statusCode, r.body).toBe(200);
    const m = /name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(r.body);
    const xml = Buffer.from(m?.[1] ?? '', 'base64').toString('utf8');
    const id = /ID="([^"]+)"/.exec(xml)?.[1];
    if (!id) throw new Error(`no AuthnRequest in ${r.body}`);
    return id;
  }

  finalize(team: TeamId | null, xmlOrField: string, opts: { raw?: boolean; app?: TestApp } = {}) {
    const field = opts.raw ? xmlOrField : b64(xmlOrField);
    return (opts.app ?? this.t).app.inject({
      method: 'POST',
      url: team ? `/sso/finalize-login/${team}` : '/sso/finalize-login',
      payload: `SAMLResponse=${encodeURIComponent(field)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  sp(team: TeamId | null): string {
    return team ? `${SP_SSO}/finalize-login/${team}` : `${SP_SSO}/finalize-login`;
  }
}

export const titleOf = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1];
