import { randomUUID } from 'node:crypto';
import { generateScimToken, hashScimToken } from '@sso/auth';
import type { Config } from '@sso/config';
import {
  type IdpId,
  type TeamId,
  type UserId,
  newIdpId,
  newScimTokenId,
  newTeamId,
  newUserId,
  newUserRecord,
  systemClock,
} from '@sso/domain';
import {
  CassandraDb,
  CassandraInvitationStore,
  CassandraScimGroupStore,
  CassandraScimUserDocStore,
  StampWriter,
  cassandraIdentityStores,
  cassandraSparStores,
  withChangeStamps,
} from '@sso/persistence';
import { RedisChangeStamps, type RedisClient, createRedis } from '@sso/platform';
import { NAMEID_FORMATS, type NameId, brigSsoId, nameIdXml, normalizeNameId } from '@sso/saml';
import { type TestApp, startTestApp, testConfig } from '@sso/testing';
import { scimApi } from '../src/app';

export const SCIM = 'application/scim+json';

/** The scim-api on the test keyspaces, with direct store access to check what lands in the tables. */
export class ScimHarness {
  t!: TestApp;
  db!: CassandraDb;
  config!: Config;

  /** The change stamps the harness's own writes replace, as every app's do (the scim-api cache validates against them). */
  private redis: RedisClient | null = null;
  private writer: StampWriter | null = null;

  async start(overrides: Record<string, unknown> = {}): Promise<void> {
    this.config = testConfig({ 'scim.baseUri': 'https://wire.example.com/scim/v2', ...overrides });
    this.t = await startTestApp(scimApi, this.config);
    this.db = new CassandraDb(this.config.cassandra);
    await this.db.connect();
    const redis = createRedis(this.config.redis);
    this.redis = redis;
    // Connected, or refused (a harness pointed at an unreachable Redis writes without stamps).
    await new Promise<void>((ok) => {
      redis.once('ready', () => ok());
      redis.once('error', () => ok());
    });
    this.writer = new StampWriter(new RedisChangeStamps(redis), () => {});
  }

  async stop(): Promise<void> {
    await this.t?.close();
    await this.db?.shutdown();
    this.redis?.disconnect();
  }

  /** The stores on the test keyspaces, their writes stamped as in the apps. */
  private stores() {
    const plain = {
      spar: cassandraSparStores(this.db, systemClock),
      identity: cassandraIdentityStores(this.db, systemClock),
      scimUserDocs: new CassandraScimUserDocStore(this.db),
      scimGroups: new CassandraScimGroupStore(this.db),
    };
    return this.writer ? withChangeStamps(plain, this.writer) : plain;
  }

  get spar() {
    return this.stores().spar;
  }
  get identity() {
    return this.stores().identity;
  }
  get docs() {
    return this.stores().scimUserDocs;
  }
  get invitations() {
    return new CassandraInvitationStore(this.db);
  }

  /** A team with an owner, and a SCIM token (bound to an IdP with the given issuer, if any). */
  async team(opts: { issuer?: string } = {}): Promise<{ team: TeamId; token: string; owner: UserId; idp: IdpId | null }> {
    const team = newTeamId();
    const owner = newUserId();
    await this.identity.teams.createTeam({ id: team, name: 'Team', creator: owner, deleted: false });
    await this.identity.users.put(newUserRecord({ id: owner, team, name: 'Owner', email: `${randomUUID()}@example.com` }));
    await this.identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    const idp = opts.issuer ? await this.idp(team, opts.issuer) : null;
    const token = await this.token(team, idp);
    return { team, token, owner, idp };
  }

  /**
   * A user as SSO login's auto-provisioning makes one (apps/saml-sp finalize-login
   * user-resolution.ts): brig row managed by wire with no handle and no email, membership as
   * member, `user_v2` row; the same store calls.
   */
  async ssoUser(
    team: TeamId,
    issuer: string,
    value: string,
    format: string = NAMEID_FORMATS.unspecified,
  ): Promise<{ uid: UserId; nameId: NameId }> {
    const nameId: NameId = { value, format, nameQualifier: null, spNameQualifier: null };
    const uid = newUserId();
    await this.identity.users.put(newUserRecord({ id: uid, team, name: value, ssoId: brigSsoId(issuer, nameId) }));
    await this.identity.teams.addMember({ team, user: uid, role: 'member', invitedBy: null, invitedAt: null });
    await this.spar.samlUsers.insert({ issuer, normalizedNameId: normalizeNameId(nameId), ssoId: nameIdXml(nameId), uid });
    return { uid, nameId };
  }

  /**
   * What accepting the invitation does to a pending SCIM user of a token without an IdP (the
   * password aside): active, the address validated.
   */
  async accepted(uid: UserId): Promise<void> {
    const u = await this.identity.users.get(uid);
    if (!u) throw new Error(`no user ${uid}`);
    await this.identity.users.update(uid, { status: 'active', activated: true, email: u.emailUnvalidated, emailUnvalidated: null });
  }

  /** An IdP of the team with this issuer (a placeholder certificate: these tests log nobody in). */
  async idp(team: TeamId, issuer: string): Promise<IdpId> {
    const id = newIdpId();
    await this.spar.idps.insert({
      id,
      team,
      issuer,
      requestUri: 'https://idp.example.com/sso',
      certs: ['<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: 'IdP 1',
      domain: null,
    });
    return id;
  }

  /** A SCIM token of the team, bound to `idp` or to none (e.g. one without an IdP next to one with). */
  async token(team: TeamId, idp: IdpId | null): Promise<string> {
    const token = generateScimToken();
    await this.spar.scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(token),
      createdAt: new Date(),
      idp,
      description: 'test',
      name: 'test',
    });
    return token;
  }

  req(method: string, url: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
    const hasBody = opts.body !== undefined || opts.raw !== undefined;
    return this.t.app.inject({
      method: method as 'GET',
      url,
      ...(hasBody ? { payload: opts.raw ?? JSON.stringify(opts.body) } : {}),
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(hasBody ? { 'content-type': SCIM } : {}),
        ...opts.headers,
      },
    });
  }
}

let n = 0;
/** A unique, valid userName. */
export const uname = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}${(n++).toString(36)}${randomUUID().slice(0, 6)}`;

export function userBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name = uname();
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: name,
    externalId: `${name}@example.com`,
    displayName: 'Test User',
    emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
    ...overrides,
  };
}
