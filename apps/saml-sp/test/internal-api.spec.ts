import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdpId, type TeamId, newScimTokenId, newTeamId, newUserId } from '@sso/domain';
import { TestIdp } from '@sso/testing';
import { hashScimToken } from '@sso/auth';
import { SamlHarness } from './harness';

/** spar's internal API as galley and brig call it, on real Cassandra, over both ports. */
describe('saml-sp internal API (galley and brig callers)', () => {
  const h = new SamlHarness();

  beforeAll(async () => {
    await h.start({ listen: true });
  });
  afterAll(() => h.stop());

  /** A SCIM token; returns its secret. */
  async function tokenFor(team: TeamId, idp: IdpId | null): Promise<string> {
    const secret = `t-${newScimTokenId()}`;
    await h.spar.scimTokens.insert({
      team,
      id: newScimTokenId(),
      tokenKey: hashScimToken(secret),
      createdAt: new Date(),
      idp,
      description: 'd',
      name: 'n',
    });
    return secret;
  }

  describe('DELETE /i/teams/:team', () => {
    it("removes the team's SCIM tokens, its IdPs (v1 and v2) with every lookup, and their user_v2 rows; 204, idempotent", async () => {
      const { team, token } = await h.newTeam();
      const v2 = await TestIdp.create();
      const v1 = await TestIdp.create();
      const idp2 = await h.createIdp(token, v2);
      const idp1 = await h.createIdp(token, v1, '?api_version=v1');
      const secrets = [await tokenFor(team, idp2), await tokenFor(team, null)];
      const alice = await h.bindUser(team, v2.issuer, `alice-${team}`);
      await h.bindUser(team, v1.issuer, `bob-${team}`);
      expect(await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: idp1 } }).then((r) => r.statusCode)).toBe(200);

      const r = await h.inject('DELETE', `/i/teams/${team}`);
      expect(r.statusCode, r.body).toBe(204);
      expect(r.body).toBe('');

      expect(await h.spar.scimTokens.listByTeam(team)).toEqual([]);
      // The authentication lookup rows go too: the secrets no longer authenticate.
      for (const secret of secrets) expect(await h.spar.scimTokens.lookup(hashScimToken(secret), secret)).toBeNull();
      expect(await h.spar.idps.listByTeam(team)).toEqual([]);
      for (const [id, issuer] of [
        [idp1, v1.issuer],
        [idp2, v2.issuer],
      ] as const) {
        expect(await h.spar.idps.get(id)).toBeNull();
        expect(await h.spar.idps.findByIssuer(issuer)).toEqual([]);
        expect(await h.spar.idps.getRawMetadata(id)).toBeNull();
        expect((await h.spar.samlUsers.listByIssuer(issuer)).items).toEqual([]);
      }
      expect(await h.spar.samlUsers.get(v2.issuer, `alice-${team}`.toLowerCase())).toBeNull();
      const ks = h.config.cassandra.keyspaces.spar;
      const defaults = await h.db.execute(
        't',
        `SELECT idp FROM ${ks}.default_idp WHERE partition_key_always_default = 'default' AND idp = ?`,
        [idp1],
      );
      expect(defaults.rows).toHaveLength(0);
      // The brig side is galley's and brig's business: the user row stays.
      expect(await h.identity.users.get(alice)).not.toBeNull();
      // The issuer is free again: an upload elsewhere (here: the same team re-created) works.
      const again = await h.newTeam();
      await h.createIdp(again.token, v1, '?api_version=v1');

      const second = await h.inject('DELETE', `/i/teams/${team}`);
      expect(second.statusCode).toBe(204);
    });

    it("keeps another team's users of a shared v2 issuer", async () => {
      const a = await h.newTeam();
      const b = await h.newTeam();
      const shared = await TestIdp.create();
      await h.createIdp(a.token, shared);
      const idpB = await h.createIdp(b.token, shared);
      await h.bindUser(a.team, shared.issuer, 'carol');
      const bUser = await h.bindUser(b.team, shared.issuer, 'dave');

      expect((await h.inject('DELETE', `/i/teams/${a.team}`)).statusCode).toBe(204);
      expect(await h.spar.samlUsers.get(shared.issuer, 'carol')).toBeNull();
      expect((await h.spar.samlUsers.get(shared.issuer, 'dave'))?.uid).toBe(bUser);
      expect((await h.spar.idps.getByIssuerAndTeam(shared.issuer, b.team))?.id).toBe(idpB);
    });

    it('answers 204 for a team it never knew, 400 for a malformed id', async () => {
      expect((await h.inject('DELETE', `/i/teams/${newTeamId()}`)).statusCode).toBe(204);
      const bad = await h.inject('DELETE', '/i/teams/not-a-uuid');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 400, label: 'bad-request' });
    });

    it('is served on the internal port only, never on the public one or under a version', async () => {
      const { team } = await h.newTeam();
      const pub = await fetch(`${h.t.url}/i/teams/${team}`, { method: 'DELETE' });
      expect(pub.status).toBe(404);
      expect((await pub.json()).label).toBe('no-endpoint');
      const versioned = await fetch(`${h.t.internalUrl}/v7/i/teams/${team}`, { method: 'DELETE' });
      expect(versioned.status).toBe(404);
      const internal = await fetch(`${h.t.internalUrl}/i/teams/${team}`, { method: 'DELETE' });
      expect(internal.status).toBe(204);
    });
  });

  describe('GET /i/identity-providers/:team', () => {
    it("lists the team's IdPs exactly as the public list shows them", async () => {
      const { team, token } = await h.newTeam();
      await h.createIdp(token, await TestIdp.create());
      await h.createIdp(token, await TestIdp.create(), '?api_version=v1&handle=Okta');
      const r = await h.inject('GET', `/i/identity-providers/${team}`);
      expect(r.statusCode, r.body).toBe(200);
      const pub = await h.inject('GET', '/identity-providers', { token });
      expect(r.json()).toEqual(pub.json());
      expect(r.json().providers).toHaveLength(2);
      expect(r.json().providers.map((p: { extraInfo: { team: string } }) => p.extraInfo.team)).toEqual([team, team]);
    });

    it('answers an empty list for a team without IdPs, 400 for a malformed id, 404 on the public port', async () => {
      const empty = await h.inject('GET', `/i/identity-providers/${newTeamId()}`);
      expect(empty.statusCode).toBe(200);
      expect(empty.json()).toEqual({ providers: [] });
      expect((await h.inject('GET', '/i/identity-providers/x')).statusCode).toBe(400);
      expect((await fetch(`${h.t.url}/i/identity-providers/${newTeamId()}`)).status).toBe(404);
    });
  });

  describe('POST /i/scim/userinfo/:user', () => {
    it('answers the SCIM creation time in milliseconds, or the id alone', async () => {
      const uid = newUserId();
      const created = new Date('2026-11-30T06:00:00.123Z');
      await h.spar.scimUserTimes.put({ uid, createdAt: created, lastUpdatedAt: new Date('2026-12-01T00:00:00.000Z') });
      const r = await h.inject('POST', `/i/scim/userinfo/${uid}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ id: uid, created_on: '2026-11-30T06:00:00.123Z' });

      const other = newUserId();
      const none = await h.inject('POST', `/i/scim/userinfo/${other}`);
      expect(none.statusCode).toBe(200);
      expect(none.json()).toEqual({ id: other });
      expect((await h.inject('POST', '/i/scim/userinfo/nope')).statusCode).toBe(400);
    });
  });

  describe('PUT /i/sso/settings', () => {
    it('sets and clears the default SSO code: 200 with an empty body, as spar; bad input 400, unknown IdP 404', async () => {
      const { token } = await h.newTeam();
      const id = await h.createIdp(token, await TestIdp.create());
      const set = await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: id } });
      expect(set.statusCode).toBe(200);
      expect(set.body).toBe('');
      expect((await h.inject('GET', '/sso/settings')).json()).toEqual({ default_sso_code: id });
      const unknown = await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: newTeamId() } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ code: 404, label: 'not-found', message: 'Could not find IdP.' });
      for (const body of [{}, { default_sso_code: 'nope' }, { default_sso_code: 7 }]) {
        const r = await h.inject('PUT', '/i/sso/settings', { body });
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
      }
      expect((await h.inject('GET', '/sso/settings')).json()).toEqual({ default_sso_code: id });
      const cleared = await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: null } });
      expect(cleared.statusCode).toBe(200);
      expect((await h.inject('GET', '/sso/settings')).json()).toEqual({ default_sso_code: null });
      expect(
        (
          await fetch(`${h.t.url}/i/sso/settings`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: '{"default_sso_code":null}',
          })
        ).status,
      ).toBe(404);
    });
  });

  it('answers /i/status with 200 and an empty body, on the internal port only', async () => {
    const r = await fetch(`${h.t.internalUrl}/i/status`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
    expect((await fetch(`${h.t.url}/i/status`)).status).toBe(404);
  });

  it('counts the internal routes by route template in the metrics', async () => {
    await h.inject('POST', `/i/scim/userinfo/${newUserId()}`);
    const m = (await h.inject('GET', '/i/metrics')).body;
    expect(m).toMatch(
      /http_request_duration_seconds_count\{app="saml-sp",method="DELETE",handler="\/i\/teams\/:team",status_code="204"\} \d+/,
    );
    expect(m).toMatch(/handler="\/i\/scim\/userinfo\/:user",status_code="200"/);
    expect(m).toMatch(/handler="\/i\/identity-providers\/:team",status_code="200"/);
  });
});
