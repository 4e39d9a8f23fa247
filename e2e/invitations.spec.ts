import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@sso/domain';
import { Mailpit, type MailpitMessage, testConfig } from '@sso/testing';
import { ScimHarness, userBody } from '../apps/scim-api/test/harness';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from '../apps/token-admin/test/fixture';

// Issue 13, items 2 and 3, end to end on real Cassandra, Redis and the run's Mailpit: scim-api
// queues the mail in the outbox, token-admin's outbox worker sends it over SMTP, and the test
// reads it through Mailpit's API and follows the link as a browser would (GET, then the form POST).

const LINK_BASE = 'https://wire.example.com';
const PASSWORD = 'Invited-Passw0rd!';
const INVITE = /^(https:\/\/wire\.example\.com\/teams\/invitations\/accept\?code=([A-Za-z0-9_-]{43}))$/m;
const ACTIVATE = /^(https:\/\/wire\.example\.com\/activate\?code=([A-Za-z0-9_-]{43}))$/m;

/** A client address of its own per request, so the per-address login limit (Redis, shared) never bites. */
const newAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

// Mail goes through the outbox worker and SMTP: on a busy machine a test may wait for several mails.
describe('invitations and email validation (SCIM, token-admin, outbox, Mailpit)', { timeout: 120_000 }, () => {
  const mailpit = new Mailpit();
  const scim = new ScimHarness();
  /** A scim-api whose invitations expire after 2 seconds (`invitations.timeoutSeconds`). */
  const shortScim = new ScimHarness();
  let admin: TokenAdminEnv | undefined;
  const secrets: string[] = [];

  beforeAll(async () => {
    await scim.start({ 'mail.linkBaseUrl': LINK_BASE });
    await shortScim.start({ 'mail.linkBaseUrl': LINK_BASE, 'invitations.timeoutSeconds': 2 });
    admin = await startTokenAdmin(testConfig({ 'auth.keysFile': writeKeysFile(), 'mail.linkBaseUrl': LINK_BASE }));
  });

  afterAll(async () => {
    // No secret of a link, and no password, in any log line of the three apps.
    const logs = [scim.t?.logs() ?? '', shortScim.t?.logs() ?? '', admin?.t.logs() ?? ''].join('\n');
    for (const s of secrets) expect(logs).not.toContain(s);
    expect(logs).not.toContain(PASSWORD);
    await admin?.close();
    await scim.stop();
    await shortScim.stop();
  });

  const t = () => admin!.t;
  const page = (url: string) => t().app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
  const form = (url: string, fields: Record<string, string>) =>
    t().app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
    });
  const login = (email: string, password: string) =>
    t().app.inject({ method: 'POST', url: '/login', payload: { email, password }, remoteAddress: newAddress() });

  /** The newest mail to `email` (waiting for the `count`th), its link checked in both formats. */
  async function linkIn(email: string, kind: RegExp, count = 1): Promise<{ path: string; code: string; mail: MailpitMessage }> {
    const mails = await mailpit.waitFor(email, { count, timeoutMs: 30_000 });
    const mail = mails[mails.length - 1]!;
    const m = kind.exec(mail.Text);
    expect(m, mail.Text).not.toBeNull();
    const [, link, code] = m as unknown as [string, string, string];
    expect(mail.HTML).toContain(`href="${link}"`);
    secrets.push(code);
    const u = new URL(link);
    return { path: `${u.pathname}${u.search}`, code, mail };
  }

  async function createInvitee(h: ScimHarness, token: string, email = `invitee-${randomUUID()}@example.com`) {
    const r = await h.req('POST', '/scim/v2/Users', {
      token,
      body: userBody({ externalId: email, emails: [{ value: email, primary: true }] }),
    });
    expect(r.statusCode, r.body).toBe(201);
    return { id: r.json().id as UserId, email, body: r.json() };
  }

  it('SCIM create without an IdP -> invitation mail -> set a password -> /login works -> SCIM shows active: true; the link works once', async () => {
    const { team, token } = await scim.team();
    const { id, email, body } = await createInvitee(scim, token);
    expect(body.active).toBe(false);
    expect(body.externalId).toBe(email);
    expect(body.emails).toEqual([{ value: email, primary: true }]);
    expect(await scim.identity.users.get(id)).toMatchObject({
      status: 'pending-invitation',
      activated: false,
      email: null,
      emailUnvalidated: email,
    });
    const inv = await scim.invitations.get(team, id);
    expect(inv).toMatchObject({ email, role: 'member' });
    // Only the hash of the secret is stored.
    const { path, code, mail } = await linkIn(email, INVITE);
    expect(inv!.code).not.toContain(code);
    expect(inv!.code).toMatch(/^[0-9a-f]{64}$/);
    expect(mail.Subject).toContain('Team');

    // Not yet: the login says why.
    const early = await login(email, PASSWORD);
    expect(early.statusCode).toBe(403);
    expect(early.json().label).toBe('pending-activation');

    const open = await page(path);
    expect(open.statusCode).toBe(200);
    expect(open.headers['cache-control']).toContain('no-store');
    expect(open.body).toContain(email);
    expect(open.body).toContain('8 to 1024 characters');
    expect(open.body).toContain('a symbol');

    // A weak password and a mismatch are refused with the rules they break; nothing is used up.
    const weak = await form('/teams/invitations/accept', { code, password: 'password', password_confirm: 'password' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('an uppercase letter');
    const differ = await form('/teams/invitations/accept', { code, password: PASSWORD, password_confirm: `${PASSWORD}x` });
    expect(differ.statusCode).toBe(400);
    expect(differ.body).toContain('The two passwords differ.');

    const done = await form('/teams/invitations/accept', { code, password: PASSWORD, password_confirm: PASSWORD });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Password set');

    const ok = await login(email, PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ user: id, token_type: 'Bearer' });
    expect((await login(email, 'Wrong-Passw0rd!')).json().label).toBe('invalid-credentials');

    const g = await scim.req('GET', `/scim/v2/Users/${id}`, { token });
    expect(g.json()).toMatchObject({ active: true, externalId: email, emails: [{ value: email, primary: true }] });
    expect(await scim.identity.users.get(id)).toMatchObject({ status: 'active', activated: true, email, emailUnvalidated: null });
    expect(await scim.invitations.get(team, id)).toBeNull();

    // Reused: a clear page, and the password stays.
    const again = await page(path);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('The link has already been used.');
    const reuse = await form('/teams/invitations/accept', { code, password: 'Other-Passw0rd!', password_confirm: 'Other-Passw0rd!' });
    expect(reuse.statusCode).toBe(410);
    expect((await login(email, PASSWORD)).statusCode).toBe(200);
  });

  it('of concurrent acceptances of one link exactly one wins', async () => {
    const { token } = await scim.team();
    const { email } = await createInvitee(scim, token);
    const { code } = await linkIn(email, INVITE);
    const answers = await Promise.all(
      ['A', 'B', 'C'].map((x) =>
        form('/teams/invitations/accept', { code, password: `${PASSWORD}${x}`, password_confirm: `${PASSWORD}${x}` }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 410, 410]);
    const winner = ['A', 'B', 'C'][answers.findIndex((a) => a.statusCode === 200)]!;
    expect((await login(email, `${PASSWORD}${winner}`)).statusCode).toBe(200);
  });

  it('an expired invitation: a clear page, and SCIM may create the user again (a new invitation)', async () => {
    const { token } = await shortScim.team();
    const first = await createInvitee(shortScim, token);
    const { path } = await linkIn(first.email, INVITE);
    // The same externalId again while the invitation runs: taken.
    const dup = await shortScim.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: first.email }) });
    expect(dup.statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 2500));
    const expired = await page(path);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('The link has expired.');
    expect(expired.body).toContain('Ask your team administrator to send a new invitation.');

    const again = await shortScim.req('POST', '/scim/v2/Users', {
      token,
      body: userBody({ userName: first.body.userName, externalId: first.email, emails: [{ value: first.email }] }),
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(first.id);
    expect((await shortScim.req('GET', `/scim/v2/Users/${first.id}`, { token })).statusCode).toBe(404);
    expect(await shortScim.identity.users.get(first.id)).toBeNull();
    const second = await linkIn(first.email, INVITE, 2);
    expect((await page(second.path)).statusCode).toBe(200);
    expect((await page(path)).statusCode).toBe(410);
  });

  it('a SCIM change of the email resends the invitation; the old link is dead', async () => {
    const { token } = await scim.team();
    const { id, email } = await createInvitee(scim, token);
    const old = await linkIn(email, INVITE);
    const moved = `moved-${randomUUID()}@example.com`;
    const p = await scim.req('PATCH', `/scim/v2/Users/${id}`, {
      token,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'externalId', value: moved },
          { op: 'replace', path: 'emails', value: [{ value: moved, primary: true }] },
        ],
      },
    });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json().active).toBe(false);
    const fresh = await linkIn(moved, INVITE);
    const dead = await page(old.path);
    expect(dead.statusCode).toBe(404);
    expect(dead.body).toContain('The link is not valid.');
    // A PUT that keeps the address sends nothing new.
    const g = (await scim.req('GET', `/scim/v2/Users/${id}`, { token })).json();
    expect((await scim.req('PUT', `/scim/v2/Users/${id}`, { token, body: { ...g, displayName: 'Renamed' } })).statusCode).toBe(200);
    expect((await page(fresh.path)).statusCode).toBe(200);
    expect(await form('/teams/invitations/accept', { code: fresh.code, password: PASSWORD, password_confirm: PASSWORD })).toMatchObject({
      statusCode: 200,
    });
    expect((await login(moved, PASSWORD)).statusCode).toBe(200);
    expect((await login(email, PASSWORD)).statusCode).toBe(403);
    expect(await mailpit.to(moved)).toHaveLength(1);
  });

  it('SCIM DELETE revokes the invitation; SCIM active false/true leaves a pending user pending, as spar', async () => {
    const { team, token } = await scim.team();
    const gone = await createInvitee(scim, token);
    const link = await linkIn(gone.email, INVITE);
    expect((await scim.req('DELETE', `/scim/v2/Users/${gone.id}`, { token })).statusCode).toBe(204);
    expect((await page(link.path)).statusCode).toBe(404);
    expect((await form('/teams/invitations/accept', { code: link.code, password: PASSWORD, password_confirm: PASSWORD })).statusCode).toBe(
      404,
    );
    expect(await scim.invitations.get(team, gone.id)).toBeNull();
    expect((await login(gone.email, PASSWORD)).json().label).toBe('invalid-credentials');

    const held = await createInvitee(scim, token);
    const heldLink = await linkIn(held.email, INVITE);
    const off = await scim.req('PATCH', `/scim/v2/Users/${held.id}`, {
      token,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await scim.identity.users.get(held.id))?.status).toBe('pending-invitation');
    // `active: true` does not skip the invitation either.
    const on = await scim.req('PATCH', `/scim/v2/Users/${held.id}`, {
      token,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: true }] },
    });
    expect(on.json().active).toBe(false);
    await scim.req('PATCH', `/scim/v2/Users/${held.id}`, {
      token,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(
      (await form('/teams/invitations/accept', { code: heldLink.code, password: PASSWORD, password_confirm: PASSWORD })).statusCode,
    ).toBe(200);
    // Accepting activates (brig's status; spar leaves pending users' status to brig), and SCIM shows it.
    expect((await scim.identity.users.get(held.id))?.status).toBe('active');
    expect((await scim.req('GET', `/scim/v2/Users/${held.id}`, { token })).json().active).toBe(true);
    expect((await login(held.email, PASSWORD)).statusCode).toBe(200);
    // From then on SCIM's active false suspends, as for any user.
    const suspend = await scim.req('PATCH', `/scim/v2/Users/${held.id}`, {
      token,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(suspend.json().active).toBe(false);
    expect((await login(held.email, PASSWORD)).json().label).toBe('suspended');
  });

  it('refuses links that are not links: no lookup, a 404 page, never a 500', async () => {
    for (const q of ['', '?code=', '?code=short', `?code=${'a'.repeat(44)}`, `?code=${'%00'.repeat(43)}`, '?code=a&code=b'])
      expect((await page(`/teams/invitations/accept${q}`)).statusCode).toBe(404);
    expect((await form('/teams/invitations/accept', { password: PASSWORD, password_confirm: PASSWORD })).statusCode).toBe(404);
    expect((await page(`/activate?code=${'b'.repeat(43)}`)).statusCode).toBe(404);
    const json = await t().app.inject({ method: 'POST', url: '/teams/invitations/accept', payload: { code: 'x' } });
    expect(json.statusCode).toBe(404);
  });

  describe('validateSAMLemails', () => {
    const feature = (team: string) => `/i/teams/${team}/features/validateSAMLemails`;

    it('is a team feature set on the internal route ({"status": "enabled"|"disabled"}), disabled by default', async () => {
      const { team } = await scim.team();
      expect((await t().app.inject({ method: 'GET', url: feature(team) })).json()).toEqual({ status: 'disabled' });
      const on = await t().app.inject({ method: 'PUT', url: feature(team), payload: { status: 'enabled' } });
      expect(on.statusCode, on.body).toBe(200);
      expect((await t().app.inject({ method: 'GET', url: feature(team) })).json()).toEqual({ status: 'enabled' });
      expect(await scim.identity.teams.validateSamlEmailsStatus(team)).toBe('enabled');
      expect(await scim.identity.teams.ssoStatus(team)).toBeNull();
      for (const payload of [{ status: 'on' }, {}, { status: true }])
        expect((await t().app.inject({ method: 'PUT', url: feature(team), payload })).statusCode).toBe(400);
      expect((await t().app.inject({ method: 'GET', url: feature(randomUUID()) })).statusCode).toBe(404);
      expect((await t().app.inject({ method: 'GET', url: '/i/teams/x/features/validateSAMLemails' })).statusCode).toBe(400);
    });

    it('on: a SCIM email of a user with an IdP waits unvalidated until the activation link is followed', async () => {
      const { team, token } = await scim.team({ issuer: `https://idp.example.com/${randomUUID()}` });
      await t().app.inject({ method: 'PUT', url: feature(team), payload: { status: 'enabled' } });
      const email = `saml-${randomUUID()}@example.com`;
      const r = await scim.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: email, emails: [{ value: email }] }) });
      expect(r.statusCode, r.body).toBe(201);
      const id = r.json().id as UserId;
      expect(r.json()).toMatchObject({ active: true, emails: [{ value: email }] });
      expect(await scim.identity.users.get(id)).toMatchObject({ status: 'active', email: null, emailUnvalidated: email });

      const { path, code } = await linkIn(email, ACTIVATE);
      const confirm = await page(path);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain(email);
      // Opening the link changes nothing (mail scanners follow links); the button does.
      expect((await scim.identity.users.get(id))?.email).toBeNull();
      const done = await form('/activate', { code });
      expect(done.statusCode, done.body).toBe(200);
      expect(await scim.identity.users.get(id)).toMatchObject({ email, emailUnvalidated: null });
      expect((await form('/activate', { code })).statusCode).toBe(410);
      expect((await scim.req('GET', `/scim/v2/Users/${id}`, { token })).json().emails).toEqual([{ value: email }]);

      // A new address waits too, and the validated one stays until then.
      const next = `saml-next-${randomUUID()}@example.com`;
      const p = await scim.req('PATCH', `/scim/v2/Users/${id}`, {
        token,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'emails', value: [{ value: next }] }],
        },
      });
      expect(p.statusCode, p.body).toBe(200);
      expect(await scim.identity.users.get(id)).toMatchObject({ email, emailUnvalidated: next });
      const second = await linkIn(next, ACTIVATE);
      expect((await form('/activate', { code: second.code })).statusCode).toBe(200);
      expect(await scim.identity.users.get(id)).toMatchObject({ email: next, emailUnvalidated: null });
    });

    it('off: the email is activated at once and no mail is sent', async () => {
      const { team, token } = await scim.team({ issuer: `https://idp.example.com/${randomUUID()}` });
      await t().app.inject({ method: 'PUT', url: feature(team), payload: { status: 'disabled' } });
      const email = `auto-${randomUUID()}@example.com`;
      const r = await scim.req('POST', '/scim/v2/Users', { token, body: userBody({ externalId: email, emails: [{ value: email }] }) });
      expect(r.statusCode, r.body).toBe(201);
      expect(await scim.identity.users.get(r.json().id as UserId)).toMatchObject({ status: 'active', email, emailUnvalidated: null });
      // A mail queued after the user's would arrive after it: wait for a marker mail sent next.
      const marker = await createInvitee(scim, (await scim.team()).token);
      await mailpit.waitFor(marker.email, { timeoutMs: 30_000 });
      expect(await mailpit.to(email)).toEqual([]);
    });
  });
});
