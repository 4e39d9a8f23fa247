import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamId, UserId } from '@sso/domain';
import { type TestApp, startTestApp } from '@sso/testing';
import { SamlHarness, titleOf } from '../apps/saml-sp/test/harness';
import { Pysaml2Idp } from '../apps/saml-sp/test/pysaml2-idp';
import { browserLogin, teamWithIdp } from '../apps/saml-sp/test/real-idp-flow';
import { scimApi } from '../apps/scim-api/src/app';

/**
 * scim-api provisions a user with an externalId; the real IdP (pysaml2 on loopback) then logs in
 * that NameID through saml-sp, which binds the login to exactly that user and creates nobody.
 * Here and not in apps/saml-sp/test because apps never import each other.
 */
describe('a SCIM-provisioned user logs in through a real IdP (scim-api + saml-sp + pysaml2)', () => {
  let idp: Pysaml2Idp;
  let h: SamlHarness;
  let scim: TestApp;

  beforeAll(async () => {
    idp = await Pysaml2Idp.start();
    h = await new SamlHarness({ 'saml.metadataAllowLoopback': true, 'saml.metadataCaFile': idp.caFile }).start({ listen: true });
    scim = await startTestApp(scimApi, h.config);
  }, 300_000);
  afterAll(async () => {
    await scim?.close();
    await h?.stop();
    await idp?.stop();
  });

  const members = async (team: TeamId) =>
    (await h.identity.teams.listMembers(team, { limit: 500, cursor: null })).items.map((m) => m.user).sort();

  it('binds the login to the user scim-api created with that externalId', async () => {
    const { team, idpId } = await teamWithIdp(h, idp);
    const secret = await h.addScimToken(team, idpId);
    const externalId = `Emp-${randomUUID()}`;
    const created = await scim.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `u${randomUUID().slice(0, 8)}`,
        externalId,
        displayName: 'SCIM User',
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const uid = created.json().id as UserId;
    const before = await members(team);
    expect(before).toContain(uid);

    const ok = await browserLogin(h, idp, idpId, externalId);
    expect(titleOf(await ok.text())).toBe('wire:sso:success');
    expect(ok.headers.get('set-cookie')).toMatch(/^zuid=/);
    expect(await h.spar.samlUsers.get(idp.issuer, externalId.toLowerCase())).toMatchObject({ uid });
    expect(await h.identity.cookies.listByUser(uid)).toHaveLength(1);
    expect(await members(team)).toEqual(before);

    // A NameID scim-api never provisioned gets no account while the team has a SCIM token.
    const stranger = await browserLogin(h, idp, idpId, 'not.provisioned@example.com');
    expect(titleOf(await stranger.text())).toBe('wire:sso:error:not-found');
    expect(await members(team)).toEqual(before);
  });
  it('a user SSO created before the team had SCIM is found by scim-api, taken over by PUT, and logs in to the same account', async () => {
    const { team, idpId } = await teamWithIdp(h, idp);
    const nameId = `jit.${randomUUID().slice(0, 8)}@example.com`;
    const first = await browserLogin(h, idp, idpId, nameId);
    expect(titleOf(await first.text())).toBe('wire:sso:success');
    const uid = (await h.spar.samlUsers.get(idp.issuer, nameId.toLowerCase()))!.uid;
    const before = await members(team);

    const secret = await h.addScimToken(team, idpId);
    const req = (method: 'GET' | 'PUT', url: string, body?: unknown) =>
      scim.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/scim+json' },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    const found = await req('GET', `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${nameId}"`)}`);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().Resources).toEqual([
      expect.objectContaining({ id: uid, userName: uid, externalId: nameId, roles: ['member'], emails: [{ value: nameId }] }),
    ]);
    expect(await h.identity.users.get(uid)).toMatchObject({ managedBy: 'wire', handle: null }); // the read wrote nothing

    const userName = `jit${randomUUID().slice(0, 8)}`;
    const put = await req('PUT', `/scim/v2/Users/${uid}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      externalId: nameId,
      displayName: 'Taken Over',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await h.identity.users.get(uid)).toMatchObject({ managedBy: 'scim', handle: userName, name: 'Taken Over' });

    const again = await browserLogin(h, idp, idpId, nameId);
    expect(titleOf(await again.text())).toBe('wire:sso:success');
    expect(await h.identity.cookies.listByUser(uid)).toHaveLength(2);
    expect(await members(team)).toEqual(before);
  });
});
