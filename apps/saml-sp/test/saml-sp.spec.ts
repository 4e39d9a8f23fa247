import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CassandraTeamCountStore } from '@sso/persistence';
import { NAMEID_FORMATS, brigSsoId } from '@sso/saml';
import { TestIdp, b64, makeTestKey } from '@sso/testing';
import { SP_SSO, SamlHarness, titleOf } from './harness';
import { runWithTestIdp } from './suite';

describe('saml-sp on real Cassandra and Redis', () => {
  const h = new SamlHarness();
  let idp: TestIdp;

  runWithTestIdp(h, (created) => (idp = created));

  describe('identity providers', () => {
    it('creates from XML and from {"value"}, with spar\'s JSON, default v2 and "IdP N" handles', async () => {
      const { team, token } = await h.newTeam();
      const r = await h.inject('POST', '/identity-providers', {
        token,
        body: idp.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toEqual({
        id: expect.any(String),
        metadata: {
          issuer: idp.issuer,
          requestURI: idp.ssoUrl,
          certAuthnResponse: [
            `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${idp.key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
          ],
        },
        extraInfo: { team, apiVersion: 'WireIdPAPIV2', oldIssuers: [], replacedBy: null, handle: 'IdP 1', domain: null },
      });
      const other = await TestIdp.create();
      const j = await h.inject('POST', '/v7/identity-providers?api_version=v1&handle=Okta', { token, body: { value: other.metadata() } });
      expect(j.statusCode, j.body).toBe(201);
      expect(j.json().extraInfo).toMatchObject({ apiVersion: 'WireIdPAPIV1', handle: 'Okta' });

      const list = await h.inject('GET', '/identity-providers', { token });
      expect(
        list
          .json()
          .providers.map((p: { id: string }) => p.id)
          .sort(),
      ).toEqual([r.json().id, j.json().id].sort());
      const one = await h.inject('GET', `/identity-providers/${r.json().id}`, { token });
      expect(one.json()).toEqual(r.json());
      const raw = await h.inject('GET', `/identity-providers/${r.json().id}/raw`, { token });
      expect(raw.headers['content-type']).toMatch(/application\/xml/);
      expect(raw.body).toBe(idp.metadata());
    });

    it('enforces issuer uniqueness: per team for v2, instance-wide for v1', async () => {
      const a = await h.newTeam();
      const b = await h.newTeam();
      const x = await TestIdp.create();
      await h.createIdp(a.token, x);
      const again = await h.inject('POST', '/identity-providers', {
        token: a.token,
        body: x.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().label).toBe('idp-already-in-use');
      await h.createIdp(b.token, x); // another team may use the same issuer (v2)
      const y = await TestIdp.create();
      await h.createIdp(a.token, y, '?api_version=v1');
      const v1 = await h.inject('POST', '/identity-providers?api_version=v1', {
        token: b.token,
        body: y.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(v1.json().label).toBe('idp-already-in-use');
      const mixed = await h.inject('POST', '/identity-providers?api_version=v2', {
        token: b.token,
        body: y.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(mixed.statusCode).toBe(409);
      expect(mixed.json().label).toBe('cannot-mix-idp-api-verions');
    });

    it('ends 8 concurrent uploads of one issuer in one team with one IdP, and an issuer change cannot take a used issuer', async () => {
      const { team, token } = await h.newTeam();
      const x = await TestIdp.create();
      const post = () =>
        h.inject('POST', '/identity-providers', { token, body: x.metadata(), headers: { 'content-type': 'application/xml' } });
      const results = await Promise.all(Array.from({ length: 8 }, post));
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 400, 400, 400, 400, 400, 400, 400]);
      expect(results.filter((r) => r.statusCode === 400).every((r) => r.json().label === 'idp-already-in-use')).toBe(true);
      const [winner] = await h.spar.idps.listByTeam(team);
      expect((await h.spar.idps.listByTeam(team)).map((i) => i.id)).toEqual([winner!.id]);
      expect((await h.spar.idps.getByIssuerAndTeam(x.issuer, team))?.id).toBe(winner!.id);

      // Another IdP of the team may not move onto x's issuer; moving onto a free one works and frees its old one.
      const y = await TestIdp.create();
      const yId = await h.createIdp(token, y);
      const onto = await h.inject('PUT', `/identity-providers/${yId}`, {
        token,
        body: x.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(onto.json().label).toBe('idp-issuer-in-use');
      const z = await TestIdp.create();
      const moved = await h.inject('PUT', `/identity-providers/${yId}`, {
        token,
        body: y.metadata().replaceAll(y.issuer, z.issuer),
        headers: { 'content-type': 'application/xml' },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect((await h.spar.idps.getByIssuerAndTeam(z.issuer, team))?.id).toBe(yId);
      expect(await h.spar.idps.getByIssuerAndTeam(y.issuer, team)).toBeNull();
    });

    it('refuses bad metadata, plain members, and other teams', async () => {
      const { token } = await h.newTeam();
      for (const body of [
        '<x/>',
        '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
        'not xml',
        idp.metadata().replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''),
      ]) {
        const r = await h.inject('POST', '/identity-providers', { token, body, headers: { 'content-type': 'application/xml' } });
        expect(r.statusCode).toBe(400);
        expect(r.json().label).toBe('invalid-metadata');
      }
      const http = new TestIdp(idp.key, 'http://plain.example.com');
      const r = await h.inject('POST', '/identity-providers', {
        token,
        body: http.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(r.json().label).toBe('idp-must-be-https');

      const { team, token: owner } = await h.newTeam();
      const id = await h.createIdp(owner, await TestIdp.create());
      const member = await h.bearer(await h.newUser(team, 'member'));
      expect((await h.inject('GET', '/identity-providers', { token: member })).json().label).toBe('insufficient-permissions');
      expect((await h.inject('GET', `/identity-providers/${id}`, { token })).statusCode).toBe(403);
      expect((await h.inject('GET', '/identity-providers')).statusCode).toBe(401);
    });

    it('deletes: 412 with bound users, purge deletes them; replaces links both ways', async () => {
      const { team, token } = await h.newTeam();
      const first = await TestIdp.create();
      const id1 = await h.createIdp(token, first);
      const second = await TestIdp.create();
      const id2 = await h.createIdp(token, second, `?replaces=${id1}`);
      expect((await h.inject('GET', `/identity-providers/${id1}`, { token })).json().extraInfo.replacedBy).toBe(id2);
      expect((await h.inject('GET', `/identity-providers/${id2}`, { token })).json().extraInfo.oldIssuers).toEqual([first.issuer]);

      const uid = await h.bindUser(team, second.issuer, 'bound@example.com');
      const refused = await h.inject('DELETE', `/identity-providers/${id2}`, { token });
      expect(refused.statusCode).toBe(412);
      expect(refused.json().label).toBe('idp-has-bound-users');
      expect((await h.inject('DELETE', `/identity-providers/${id2}?purge=true`, { token })).statusCode).toBe(204);
      expect(await h.identity.users.get(uid)).toBeNull();
      // SCIM index paging's kept count of the team's users is put in doubt: the next list recounts.
      expect((await new CassandraTeamCountStore(h.db).get(team, 'users')).doubtAt).not.toBeNull();
      expect((await h.inject('GET', `/identity-providers/${id2}`, { token })).statusCode).toBe(404);
      expect((await h.inject('GET', `/identity-providers/${id1}`, { token })).json().extraInfo.replacedBy).toBeNull();
    });

    it('refuses to delete the IdP the caller logs in with (409 cannot-delete-own-idp), read from its sso_id', async () => {
      const { team, token } = await h.newTeam();
      const own = await TestIdp.create(`https://idp.example.com/o'neil/${randomUUID()}`);
      const id = await h.createIdp(token, own);
      const n = { value: "o'neil@example.com", format: NAMEID_FORMATS.email, nameQualifier: null, spNameQualifier: null };
      const admin = await h.bearer(await h.newUser(team, 'admin', { ssoId: brigSsoId(own.issuer, n) }));
      const r = await h.inject('DELETE', `/identity-providers/${id}`, { token: admin });
      expect(r.statusCode).toBe(409);
      expect(r.json().label).toBe('cannot-delete-own-idp');
      expect((await h.inject('DELETE', `/identity-providers/${id}`, { token })).statusCode).toBe(204);
    });

    it("needs the team's sso feature for create and update (403 sso-disabled), not for reads, deletes or logins", async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      await h.identity.teams.setSsoStatus(team, 'disabled');
      const other = await TestIdp.create();
      const create = await h.inject('POST', '/identity-providers', {
        token,
        body: other.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(create.statusCode, create.body).toBe(403);
      expect(create.json()).toEqual({
        code: 403,
        label: 'sso-disabled',
        message: 'Please ask customer support to enable this feature for your team.',
      });
      const update = await h.inject('PUT', `/identity-providers/${id}`, {
        token,
        body: idp.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(update.json().label).toBe('sso-disabled');
      expect((await h.inject('GET', `/identity-providers/${id}`, { token })).statusCode).toBe(200);
      const login = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'still.works@example.com' }).xml,
      );
      expect(titleOf(login.body)).toBe('wire:sso:success');
      await h.identity.teams.setSsoStatus(team, 'enabled');
      expect(
        (
          await h.inject('PUT', `/identity-providers/${id}`, {
            token,
            body: idp.metadata(),
            headers: { 'content-type': 'application/xml' },
          })
        ).statusCode,
      ).toBe(200);

      // features.sso = disabled-by-default: a team without a status needs it enabled first.
      const strict = new SamlHarness({ 'features.sso': 'disabled-by-default' });
      await strict.start();
      try {
        const fresh = await strict.newTeam();
        const post = () =>
          strict.inject('POST', '/identity-providers', {
            token: fresh.token,
            body: other.metadata(),
            headers: { 'content-type': 'application/xml' },
          });
        expect((await post()).json().label).toBe('sso-disabled');
        await strict.identity.teams.setSsoStatus(fresh.team, 'enabled');
        expect((await post()).statusCode).toBe(201);
      } finally {
        await strict.stop();
      }
    });
  });

  describe('SP metadata and initiate-login', () => {
    it('renders v1 and v2 metadata', async () => {
      const { team } = await h.newTeam();
      const v1 = await h.inject('GET', '/sso/metadata');
      expect(v1.statusCode).toBe(200);
      expect(v1.headers['content-type']).toMatch(/application\/xml/);
      expect(v1.body).toContain(`entityID="${SP_SSO}/finalize-login"`);
      const v2 = await h.inject('GET', `/v7/sso/metadata/${team}`);
      expect(v2.body).toContain(`entityID="${SP_SSO}/finalize-login/${team}"`);
      expect(v2.body).toContain(`Location="${SP_SSO}/finalize-login/${team}"`);
      expect(v2.body).toContain('WantAssertionsSigned="true"');
      expect(v2.body).not.toContain('KeyDescriptor');
    });

    it('validates the query (HEAD and GET) and stores request and verdict', async () => {
      const { token } = await h.newTeam();
      const id = await h.createIdp(token, await TestIdp.create());
      expect((await h.inject('HEAD', `/sso/initiate-login/${id}`)).statusCode).toBe(200);
      expect((await h.inject('HEAD', '/sso/initiate-login/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d')).statusCode).toBe(404);
      const one = await h.inject('GET', `/sso/initiate-login/${id}?success_redirect=wire://ok`);
      expect(one.json().label).toBe('need-both-redirect-urls');
      const scheme = await h.inject('GET', `/sso/initiate-login/${id}?success_redirect=https://x&error_redirect=wire://e`);
      expect(scheme.json().label).toBe('invalid-schema');
      const long = await h.inject('GET', `/sso/initiate-login/${id}?success_redirect=wire://${'a'.repeat(140)}&error_redirect=wire://e`);
      expect(long.json().label).toBe('url-too-long');

      const page = await h.inject(
        'GET',
        `/sso/initiate-login/${id}?success_redirect=${encodeURIComponent('wire://s?c=$cookie')}&error_redirect=wire://e&label=phone`,
      );
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const reqId = /ID="([^"]+)"/.exec(Buffer.from(/value="([^"]+)"/.exec(page.body)?.[1] ?? '', 'base64').toString())?.[1] as string;
      expect(reqId).toMatch(/^_[0-9a-f-]{36}$/);
      expect(await h.spar.authnRequests.get(reqId)).toMatchObject({ id: reqId });
      expect(await h.spar.authnRequests.getVerdict(reqId)).toEqual({
        format: { kind: 'mobile', successRedirect: 'wire://s?c=$cookie', errorRedirect: 'wire://e' },
        cookieLabel: 'phone',
      });
    });
  });

  describe('finalize-login', () => {
    it('web: auto-provisions a user, starts a persistent session with the label, renders success', async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      const reqId = await h.initiate(id, '?label=laptop');
      const r = await h.finalize(team, idp.response({ sp: h.sp(team), requestId: reqId, nameId: 'New.User@example.com' }).xml);
      expect(r.statusCode, r.body).toBe(200);
      expect(titleOf(r.body)).toBe('wire:sso:success');
      expect(String(r.headers['set-cookie'])).toMatch(/^zuid=[^;]+; Path=\/; Expires=.*HttpOnly/);
      const row = await h.spar.samlUsers.get(idp.issuer, 'new.user@example.com');
      expect(row).not.toBeNull();
      const user = await h.identity.users.get(row!.uid);
      expect(user).toMatchObject({ team, managedBy: 'wire', name: 'New.User@example.com', status: 'active' });
      expect(JSON.parse(user!.ssoId!)).toEqual({
        tenant: `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${idp.issuer}</Issuer>`,
        subject:
          '<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">New.User@example.com</NameID>',
      });
      expect((await h.identity.teams.getMember(team, row!.uid))?.role).toBe('member');
      // Counted for SCIM index paging (docs/decisions.md, "Counts for index paging").
      expect((await new CassandraTeamCountStore(h.db).get(team, 'users')).n).toBe(1);
      const cookies = await h.identity.cookies.listByUser(row!.uid);
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ type: 'persistent', label: 'laptop' });
      // The security log records the outcome, never the session cookie.
      expect(h.t.logs()).toContain(`"outcome":"granted","user":"${row!.uid}"`);
      expect(h.t.logs()).not.toContain(String(r.headers['set-cookie']).split(';')[0].slice(5));

      // The same user logs in again: same account, a second session.
      const again = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'new.user@EXAMPLE.com' }).xml,
      );
      expect(titleOf(again.body)).toBe('wire:sso:success');
      expect(await h.identity.cookies.listByUser(row!.uid)).toHaveLength(2);
    });

    it('a new SSO login with the same cookie label revokes the older cookie, as brig does; other labels and unlabelled cookies stay', async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      const nameId = `labels-${team}@example.com`;
      const login = async (query: string) => {
        const r = await h.finalize(team, idp.response({ sp: h.sp(team), requestId: await h.initiate(id, query), nameId }).xml);
        if (query.includes('success_redirect')) expect(String(r.headers.location), r.body).toMatch(/^wire:\/\/s\?c=zuid=/);
        else expect(titleOf(r.body), r.body).toBe('wire:sso:success');
      };
      await login('?label=laptop');
      const uid = (await h.spar.samlUsers.get(idp.issuer, nameId.toLowerCase()))!.uid;
      const [first] = await h.identity.cookies.listByUser(uid);
      await login('?label=phone');
      await login('');
      await login('');
      expect((await h.identity.cookies.listByUser(uid)).map((c) => c.label).sort()).toEqual(['laptop', 'phone', null, null].sort());

      await login('?label=laptop');
      const after = await h.identity.cookies.listByUser(uid);
      expect(after.map((c) => c.label).sort()).toEqual(['laptop', 'phone', null, null].sort());
      expect(after.find((c) => c.label === 'laptop')!.id).not.toBe(first.id);
      expect(await h.identity.cookies.get(uid, first.expires, first.id)).toBeNull();

      // Mobile logins carry the label the same way.
      await login(`?success_redirect=${encodeURIComponent('wire://s?c=$cookie')}&error_redirect=wire://e&label=phone`);
      expect((await h.identity.cookies.listByUser(uid)).filter((c) => c.label === 'phone')).toHaveLength(1);
    });

    it('accepts the SAMLResponse as multipart/form-data too (as spar); file parts and floods are refused without a 500', async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      const multipart = (parts: string[]) => {
        const boundary = '----sso-test-boundary';
        const payload = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
        return h.t.app.inject({
          method: 'POST',
          url: `/sso/finalize-login/${team}`,
          payload,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
      };
      const field = b64(idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'multipart@example.com' }).xml);
      const ok = await multipart([
        `Content-Disposition: form-data; name="RelayState"\r\n\r\nx`,
        `Content-Disposition: form-data; name="SAMLResponse"\r\n\r\n${field}`,
      ]);
      expect(titleOf(ok.body), ok.body).toBe('wire:sso:success');
      expect(String(ok.headers['set-cookie'])).toMatch(/^zuid=/);

      const file = await multipart([
        `Content-Disposition: form-data; name="SAMLResponse"; filename="r.xml"\r\nContent-Type: text/xml\r\n\r\n<x/>`,
      ]);
      expect(file.statusCode, file.body).toBe(413);
      const flood = await multipart(Array.from({ length: 20 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\nv`));
      expect(flood.statusCode, flood.body).toBe(413);
      const missing = await multipart([`Content-Disposition: form-data; name="other"\r\n\r\nv`]);
      expect(missing.statusCode).toBe(400);
      expect(titleOf(missing.body)).toBe('wire:sso:error:bad-response-saml');
      const broken = await h.t.app.inject({
        method: 'POST',
        url: `/sso/finalize-login/${team}`,
        payload: 'garbage',
        headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      });
      expect(broken.statusCode, broken.body).toBe(400);
    });

    it('IdP-initiated login only for IdPs that opted in, with every other check and the replay cache', async () => {
      const { team, token } = await h.newTeam();
      const x = await TestIdp.create();
      const created = await h.inject('POST', '/identity-providers?allow_idp_initiated=true', {
        token,
        body: x.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().extraInfo.allowIdpInitiated).toBe(true);
      const id = created.json().id as string;
      const unsolicited = (nameId: string, extra = {}) => x.response({ sp: h.sp(team), requestId: null, nameId, ...extra }).xml;

      const first = unsolicited('idp.initiated@example.com');
      const ok = await h.finalize(team, first);
      expect(titleOf(ok.body), ok.body).toBe('wire:sso:success');
      expect(String(ok.headers['set-cookie'])).toMatch(/^zuid=/);
      const replay = await h.finalize(team, first);
      expect(titleOf(replay.body)).toBe('wire:sso:error:forbidden');
      expect(replay.headers['set-cookie']).toBeUndefined();
      for (const bad of [
        unsolicited('a@example.com', { audience: 'https://other-sp.example.com' }),
        unsolicited('b@example.com', { recipient: 'https://other-sp.example.com/acs' }),
        unsolicited('c@example.com', { notOnOrAfter: -600 }),
        unsolicited('d@example.com', { responseInResponseTo: '_not-signed' }),
      ]) {
        const r = await h.finalize(team, bad);
        expect(titleOf(r.body), r.body).toBe('wire:sso:error:forbidden');
        expect(r.headers['set-cookie']).toBeUndefined();
      }

      // Turned off again by PUT: spar's redirect to initiate-login; other IdPs never had it.
      const off = await h.inject('PUT', `/identity-providers/${id}?allow_idp_initiated=false`, {
        token,
        body: x.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().extraInfo).not.toHaveProperty('allowIdpInitiated');
      const redirected = await h.finalize(team, unsolicited('e@example.com'));
      expect(redirected.statusCode).toBe(303);
      expect(redirected.headers.location).toBe(`/sso/initiate-login/${id}`);
      const bad = await h.inject('POST', '/identity-providers?allow_idp_initiated=yes', {
        token,
        body: (await TestIdp.create()).metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().label).toBe('bad-request');
    });

    it('mobile: 303 with $cookie and $userid; errors 303 with $label', async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      const q = `?success_redirect=${encodeURIComponent('wire://sso/ok?cookie=$cookie&user=$userid')}&error_redirect=${encodeURIComponent('wire://sso/err?label=$label')}`;
      const ok = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id, q), nameId: 'mobile@example.com' }).xml,
      );
      expect(ok.statusCode).toBe(303);
      const uid = (await h.spar.samlUsers.get(idp.issuer, 'mobile@example.com'))!.uid;
      const cookie = String(ok.headers['set-cookie']);
      expect(ok.headers.location).toBe(`wire://sso/ok?cookie=${cookie}&user=${uid}`);

      const bad = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id, q), audience: 'https://elsewhere' }).xml,
      );
      expect(bad.statusCode).toBe(303);
      expect(bad.headers.location).toBe('wire://sso/err?label=forbidden');
      expect(bad.headers['content-type']).toMatch(/application\/json/);
      expect(bad.headers['set-cookie']).toBeUndefined();
    });

    it('binds to a SCIM-provisioned user by NameID; with a SCIM token nobody else is provisioned', async () => {
      const { team, token } = await h.newTeam();
      const id = await h.createIdp(token, idp);
      await h.addScimToken(team);
      const uid = await h.bindUser(team, idp.issuer, 'scim.user@example.com');
      const ok = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'scim.user@example.com' }).xml,
      );
      expect(titleOf(ok.body)).toBe('wire:sso:success');
      expect(await h.identity.cookies.listByUser(uid)).toHaveLength(1);

      const stranger = await h.finalize(
        team,
        idp.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'stranger@example.com' }).xml,
      );
      expect(stranger.statusCode).toBe(200);
      expect(titleOf(stranger.body)).toBe('wire:sso:error:not-found');
      expect(stranger.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a user of another team (bad-team)', async () => {
      const a = await h.newTeam();
      const b = await h.newTeam();
      const id = await h.createIdp(a.token, idp);
      const foreign = await h.newUser(b.team, 'member');
      const n = {
        value: 'foreign@example.com',
        format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        nameQualifier: null,
        spNameQualifier: null,
      };
      await h.spar.samlUsers.insert({
        issuer: idp.issuer,
        normalizedNameId: 'foreign@example.com',
        ssoId: `<NameID>${n.value}</NameID>`,
        uid: foreign,
      });
      const r = await h.finalize(a.team, idp.response({ sp: h.sp(a.team), requestId: await h.initiate(id), nameId: n.value }).xml);
      expect(titleOf(r.body)).toBe('wire:sso:error:bad-team');
      expect(await h.identity.cookies.listByUser(foreign)).toHaveLength(0);
    });

    it('v1 IdPs use /sso/finalize-login and the instance-wide entity id', async () => {
      const { token } = await h.newTeam();
      const v1 = await TestIdp.create();
      const id = await h.createIdp(token, v1, '?api_version=v1');
      const r = await h.finalize(null, v1.response({ sp: h.sp(null), requestId: await h.initiate(id), nameId: 'v1user' }).xml);
      expect(titleOf(r.body)).toBe('wire:sso:success');
    });

    it('key rollover: after PUT with the new certificate, the new key works and the old one does not', async () => {
      const { team, token } = await h.newTeam();
      const rolling = await TestIdp.create();
      const id = await h.createIdp(token, rolling);
      const newKey = await makeTestKey('rolled');
      const rolled = new TestIdp(newKey, rolling.issuer);
      const put = await h.inject('PUT', `/identity-providers/${id}`, {
        token,
        body: rolled.metadata(),
        headers: { 'content-type': 'application/xml' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().metadata.certAuthnResponse[0]).toContain(newKey.certBase64);
      const ok = await h.finalize(
        team,
        rolled.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'roll@example.com' }).xml,
      );
      expect(titleOf(ok.body)).toBe('wire:sso:success');
      const old = await h.finalize(
        team,
        rolling.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'roll@example.com' }).xml,
      );
      expect(titleOf(old.body)).toBe('wire:sso:error:bad-response-signature');
    });

    it('follows old issuers: a user of the replaced IdP keeps the account on the new one', async () => {
      const { team, token } = await h.newTeam();
      const oldIdp = await TestIdp.create();
      const id1 = await h.createIdp(token, oldIdp);
      const uid = await h.bindUser(team, oldIdp.issuer, 'mover@example.com');
      const newIdp = await TestIdp.create();
      const id2 = await h.createIdp(token, newIdp, `?replaces=${id1}`);
      const r = await h.finalize(
        team,
        newIdp.response({ sp: h.sp(team), requestId: await h.initiate(id2), nameId: 'mover@example.com' }).xml,
      );
      expect(titleOf(r.body)).toBe('wire:sso:success');
      expect((await h.spar.samlUsers.get(newIdp.issuer, 'mover@example.com'))?.uid).toBe(uid);
      expect(await h.spar.samlUsers.get(oldIdp.issuer, 'mover@example.com')).toBeNull();
    });
  });

  describe('SSO settings', () => {
    it('default SSO code: internal PUT, public GET', async () => {
      const { token } = await h.newTeam();
      const id = await h.createIdp(token, await TestIdp.create());
      expect(
        (await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' } })).statusCode,
      ).toBe(404);
      expect((await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: id } })).statusCode).toBe(200);
      expect((await h.inject('GET', '/sso/settings')).json()).toEqual({ default_sso_code: id });
      await h.inject('PUT', '/i/sso/settings', { body: { default_sso_code: null } });
      expect((await h.inject('GET', '/v3/sso/settings')).json()).toEqual({ default_sso_code: null });
    });

    it('get-by-email is off by default', async () => {
      const r = await h.inject('POST', '/v15/sso/get-by-email', { body: { email: 'a@example.com' } });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({});
    });
  });

  it('documents every public route in OpenAPI', async () => {
    const doc = (await h.inject('GET', '/api-docs/saml-sp/openapi.json')).json();
    const paths = Object.keys(doc.paths).sort();
    expect(paths).toEqual(
      [
        '/identity-providers',
        '/identity-providers/{id}',
        '/identity-providers/{id}/raw',
        '/sso/finalize-login',
        '/sso/finalize-login/{team}',
        '/sso/get-by-email',
        '/sso/initiate-login/{idp}',
        '/sso/login',
        '/sso/login/result',
        '/sso/logout',
        '/sso/slo',
        '/sso/slo/{team}',
        '/sso/metadata',
        '/sso/metadata/{team}',
        '/sso/settings',
      ].sort(),
    );
  });
});
