// saml-sp on the memory twins (unit tier): the whole app, booted by its own composition root with
// STORE_BACKEND=memory, driven over HTTP with the test IdP of libs/testing. apps/saml-sp/test/
// runs it on Cassandra.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenService, generateKeyEntry, keyRingFromEntries } from '@sso/auth';
import { type TeamId, newTeamId, newUserId, newUserRecord, systemClock } from '@sso/domain';
import type { IdentityStores, SparStores } from '@sso/persistence';
import { IDENTITY_STORES, REDIS, SPAR_STORES } from '@sso/platform';
import { type TestApp, TestIdp, b64, memoryTestConfig, startTestApp } from '@sso/testing';
import { samlSp } from './app';

const SP_SSO = 'https://sp.example.com/sso';
const keyEntry = generateKeyEntry('unit');
const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
fs.writeFileSync(keysFile, JSON.stringify([keyEntry]));
const titleOf = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1];

describe('saml-sp on the memory backend', () => {
  let t: TestApp;
  let idp: TestIdp;
  let team: TeamId;
  let bearer: string;

  beforeAll(async () => {
    t = await startTestApp(samlSp, memoryTestConfig({ 'auth.keysFile': keysFile, 'saml.spSsoUri': SP_SSO }));
    idp = await TestIdp.create();
    const identity = t.app.get<IdentityStores>(IDENTITY_STORES);
    team = newTeamId();
    const owner = newUserId();
    await identity.teams.createTeam({ id: team, name: 'Team', creator: owner, deleted: false });
    await identity.users.put(newUserRecord({ id: owner, team, name: 'Owner' }));
    await identity.teams.addMember({ team, user: owner, role: 'owner', invitedBy: null, invitedAt: null });
    bearer = await new TokenService(keyRingFromEntries([keyEntry]), systemClock, 900).issueAccess(owner);
  });
  afterAll(() => t?.close());

  const inject = (method: string, url: string, opts: { body?: string; headers?: Record<string, string> } = {}) =>
    t.app.inject({ method: method as 'GET', url, payload: opts.body, headers: opts.headers });

  async function initiate(idpId: string): Promise<string> {
    const r = await inject('GET', `/sso/initiate-login/${idpId}`);
    expect(r.statusCode, r.body).toBe(200);
    const xml = Buffer.from(/name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(r.body)?.[1] ?? '', 'base64').toString('utf8');
    return /ID="([^"]+)"/.exec(xml)![1];
  }

  /** Registers the IdP in the team; its id. */
  async function register(other: TestIdp): Promise<string> {
    const created = await inject('POST', '/identity-providers', {
      body: other.metadata(),
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/xml' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  }

  const finalize = (xml: string) =>
    inject('POST', `/sso/finalize-login/${team}`, {
      body: `SAMLResponse=${encodeURIComponent(b64(xml))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('opens no Redis connection on the memory backend (discovery on /sso/login counts in the process)', () => {
    expect(t.app.get(REDIS)).toBeNull();
  });

  it('registers an IdP, serves the SP metadata, and logs a user in through the test IdP, once', async () => {
    const created = await inject('POST', '/identity-providers', {
      body: idp.metadata(),
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/xml' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const idpId = created.json().id as string;
    const listed = await inject('GET', '/identity-providers', { headers: { authorization: `Bearer ${bearer}` } });
    expect(listed.json().providers.map((p: { id: string }) => p.id)).toEqual([idpId]);

    const metadata = await inject('GET', `/sso/metadata/${team}`);
    expect(metadata.statusCode).toBe(200);
    expect(metadata.body).toContain(`entityID="${SP_SSO}/finalize-login/${team}"`);

    const sp = `${SP_SSO}/finalize-login/${team}`;
    const response = idp.response({ sp, requestId: await initiate(idpId), nameId: 'Unit.User@example.com' }).xml;
    const ok = await finalize(response);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(titleOf(ok.body)).toBe('wire:sso:success');
    expect(String(ok.headers['set-cookie'])).toMatch(/^zuid=/);

    const spar = t.app.get<SparStores>(SPAR_STORES);
    const row = await spar.samlUsers.get(idp.issuer, 'unit.user@example.com');
    expect(row).not.toBeNull();
    expect(await t.app.get<IdentityStores>(IDENTITY_STORES).users.get(row!.uid)).toMatchObject({ team, managedBy: 'wire' });

    // The replay cache lives in the twins too.
    const replay = await finalize(response);
    expect(titleOf(replay.body)).toMatch(/^wire:sso:error/);
  });

  it('reads the verdict and the user while the one-time claims run; a read a denial never needs fails quietly', async () => {
    const other = await TestIdp.create();
    const idpId = await register(other);
    const sp = `${SP_SSO}/finalize-login/${team}`;
    const login = async () => other.response({ sp, requestId: await initiate(idpId), nameId: 'early@example.com' }).xml;
    expect(titleOf((await finalize(await login())).body)).toBe('wire:sso:success'); // provisions the user

    const spar = t.app.get<SparStores>(SPAR_STORES);
    const { claim } = spar.assertionReplay;
    const { lookup } = spar.samlUsers;
    const { getVerdict } = spar.authnRequests;
    const seen: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    spar.assertionReplay.claim = async (...a) => {
      seen.push('claim');
      await held;
      seen.push('claimed');
      return claim.apply(spar.assertionReplay, a);
    };
    spar.samlUsers.lookup = async (...a) => (seen.push('user'), lookup.apply(spar.samlUsers, a));
    spar.authnRequests.getVerdict = async (...a) => (seen.push('verdict'), getVerdict.apply(spar.authnRequests, a));
    try {
      const response = await login();
      const pending = finalize(response);
      await vi.waitFor(() => expect(seen).toEqual(expect.arrayContaining(['claim', 'user', 'verdict'])));
      expect(seen).not.toContain('claimed');
      release();
      expect(titleOf((await pending).body)).toBe('wire:sso:success');

      // The replay is denied by the claims; the user read started next to them fails, unread.
      spar.samlUsers.lookup = async () => {
        throw new Error('user_v2 unavailable');
      };
      const replay = await finalize(response);
      expect(replay.statusCode).toBe(200);
      expect(titleOf(replay.body)).toBe('wire:sso:error:forbidden');
    } finally {
      Object.assign(spar.assertionReplay, { claim });
      Object.assign(spar.samlUsers, { lookup });
      Object.assign(spar.authnRequests, { getVerdict });
    }
  });

  it('sees its own IdP changes at once through the login cache: a deleted IdP no longer starts logins', async () => {
    const id = await register(await TestIdp.create());
    await initiate(id); // now cached for logins
    expect((await inject('DELETE', `/identity-providers/${id}`, { headers: { authorization: `Bearer ${bearer}` } })).statusCode).toBe(204);
    expect((await inject('GET', `/sso/initiate-login/${id}`)).statusCode).toBe(404);
  });
});
