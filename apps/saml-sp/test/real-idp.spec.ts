import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TeamId } from '@sso/domain';
import { IdpMetadataRefresher } from '../src/refresh-idp-metadata/idp-metadata-refresher';
import { SamlHarness, titleOf } from './harness';
import { PYSAML2_DEFAULTS, Pysaml2Idp } from './pysaml2-idp';
import { browserLogin, teamWithIdp, throughIdp, toAcs } from './real-idp-flow';

const SUCCESS = 'wire://sso/ok?cookie=$cookie&user=$userid';
const ERROR = 'wire://sso/err?label=$label';
const MOBILE = `?success_redirect=${encodeURIComponent(SUCCESS)}&error_redirect=${encodeURIComponent(ERROR)}`;

async function memberCount(h: SamlHarness, team: TeamId): Promise<number> {
  return (await h.identity.teams.listMembers(team, { limit: 500, cursor: null })).items.length;
}

/**
 * A real IdP on loopback (pysaml2: Python, libxml2, xmlsec1), spoken to over HTTPS like a browser
 * does: our initiate-login, the IdP's SSO endpoint, its auto-post form to our ACS.
 */
describe('login through a real IdP over HTTP (pysaml2 + xmlsec1 on loopback)', () => {
  let idp: Pysaml2Idp;
  let h: SamlHarness;

  beforeAll(async () => {
    idp = await Pysaml2Idp.start();
    h = await new SamlHarness({ 'saml.metadataAllowLoopback': true, 'saml.metadataCaFile': idp.caFile }).start({ listen: true });
  }, 300_000);
  afterAll(async () => {
    await h?.stop();
    await idp?.stop();
  });
  beforeEach(() => idp.control(PYSAML2_DEFAULTS));

  it('web verdict, auto-provisioned user: success page, zuid cookie, and the replayed response is refused', async () => {
    const { team, idpId } = await teamWithIdp(h, idp);
    const before = await memberCount(h, team);
    const answer = await throughIdp(h, idp, idpId, 'pysaml2.web@example.com', '?label=laptop');
    expect(answer.binding).toBe('POST');
    expect(Buffer.from(answer.samlResponse, 'base64').toString()).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const r = await toAcs(h, answer);
    const page = await r.text();
    expect([r.status, titleOf(page)], page.slice(0, 300)).toEqual([200, 'wire:sso:success']);
    expect(r.headers.get('set-cookie')).toMatch(/^zuid=[^;]+; Path=\/; Expires=.*HttpOnly/);
    const row = await h.spar.samlUsers.get(idp.issuer, 'pysaml2.web@example.com');
    expect(await h.identity.users.get(row!.uid)).toMatchObject({ team, managedBy: 'wire', name: 'pysaml2.web@example.com' });
    expect(await h.identity.cookies.listByUser(row!.uid)).toEqual([expect.objectContaining({ label: 'laptop' })]);
    expect(await memberCount(h, team)).toBe(before + 1);

    const replay = await toAcs(h, answer);
    expect(titleOf(await replay.text())).toBe('wire:sso:error:forbidden');
    expect(replay.headers.get('set-cookie')).toBeNull();
  });

  it('mobile verdict: 303 to the success redirect with the cookie and user id; an error goes to the error redirect', async () => {
    const { idpId } = await teamWithIdp(h, idp);
    const ok = await browserLogin(h, idp, idpId, 'pysaml2.mobile@example.com', MOBILE);
    expect(ok.status).toBe(303);
    const uid = (await h.spar.samlUsers.get(idp.issuer, 'pysaml2.mobile@example.com'))!.uid;
    expect(ok.headers.get('location')).toBe(`wire://sso/ok?cookie=${ok.headers.get('set-cookie')}&user=${uid}`);

    // The NameID already belongs to a user of another team (user_v2 is keyed by issuer): bad-team.
    const other = await h.newTeam();
    await h.bindUser(other.team, idp.issuer, 'pysaml2.taken@example.com');
    const bad = await browserLogin(h, idp, idpId, 'pysaml2.taken@example.com', MOBILE);
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toBe('wire://sso/err?label=bad-team');
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect(bad.headers.get('set-cookie')).toBeNull();
  });

  it('binds the login to a SCIM-provisioned user (e2e/real-idp-scim.spec.ts does it through scim-api); with a SCIM token nobody else is provisioned', async () => {
    const { team, idpId } = await teamWithIdp(h, idp);
    await h.addScimToken(team);
    const uid = await h.bindUser(team, idp.issuer, 'emp-4711');
    const members = await memberCount(h, team);
    const ok = await browserLogin(h, idp, idpId, 'emp-4711');
    expect(titleOf(await ok.text())).toBe('wire:sso:success');
    expect(await h.identity.cookies.listByUser(uid)).toHaveLength(1);
    const stranger = await browserLogin(h, idp, idpId, 'not.provisioned@example.com');
    expect(titleOf(await stranger.text())).toBe('wire:sso:error:not-found');
    expect(await h.spar.samlUsers.get(idp.issuer, 'not.provisioned@example.com')).toBeNull();
    expect(await memberCount(h, team)).toBe(members);
  });

  it('key rollover: the new key works once the refreshed metadata publishes it; the old key is refused once withdrawn', async () => {
    const { idpId } = await teamWithIdp(h, idp);
    const refresher = h.t.app.get(IdpMetadataRefresher);
    const login = async (user: string) => titleOf(await (await browserLogin(h, idp, idpId, user)).text());
    expect(await login('roll.a@example.com')).toBe('wire:sso:success');

    const next = await idp.addKey('idp2');
    // The IdP signs with its new key before we have seen it: refused.
    await idp.control({ signWith: 'idp2', publish: ['idp2', 'idp'] });
    expect(await login('roll.b@example.com')).toBe('wire:sso:error:bad-response-signature');
    // Its metadata publishes both: after the refresh the new key verifies, and the old one still does.
    expect(await refresher.refresh(idpId)).toEqual({ kind: 'applied', changed: true, added: 1, removed: 0 });
    expect(await login('roll.b@example.com')).toBe('wire:sso:success');
    await idp.control({ signWith: 'idp' });
    expect(await login('roll.c@example.com')).toBe('wire:sso:success');

    // The old key is withdrawn from the metadata: a response it signs is refused after the refresh.
    await idp.control({ signWith: 'idp2', publish: ['idp2'] });
    expect(await refresher.refresh(idpId)).toEqual({ kind: 'applied', changed: true, added: 0, removed: 1 });
    expect((await h.spar.idps.get(idpId))!.certs).toEqual([expect.stringContaining(next.certBase64)]);
    expect(await login('roll.d@example.com')).toBe('wire:sso:success');
    await idp.control({ signWith: 'idp' });
    const old = await browserLogin(h, idp, idpId, 'roll.e@example.com');
    expect([old.status, titleOf(await old.text())]).toEqual([400, 'wire:sso:error:bad-response-signature']);
    expect(old.headers.get('set-cookie')).toBeNull();
    expect(await h.spar.samlUsers.get(idp.issuer, 'roll.e@example.com')).toBeNull();
  });

  it("refuses the IdP's response at another team's ACS", async () => {
    const { idpId } = await teamWithIdp(h, idp);
    const answer = await throughIdp(h, idp, idpId, 'pysaml2.web@example.com');
    const other = await h.newTeam();
    const r = await toAcs(h, { ...answer, acs: answer.acs.replace(/[^/]+$/, other.team) });
    expect([r.status, titleOf(await r.text())]).toEqual([404, 'wire:sso:error:not-found']);
    expect(r.headers.get('set-cookie')).toBeNull();
  });
});
