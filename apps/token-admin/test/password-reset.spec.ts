import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailpit, type TestApp, testConfig } from '@sso/testing';
import { PasswordResetHandler } from '../src/password-reset/password-reset.handler';
import type { TeamsHandler } from '../src/teams/teams.handler';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from './fixture';

const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'N3w-Passw0rd!reset';
const LINK_BASE = 'https://wire.example.com';

/** A client address of its own per test, so the per-address limit (Redis, shared) starts at zero. */
const newAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

describe('password reset on real Cassandra, Redis and Mailpit', () => {
  let env: TokenAdminEnv | undefined;
  let t: TestApp;
  let teams: TeamsHandler;
  const mailpit = new Mailpit();
  const config = testConfig({
    'auth.keysFile': writeKeysFile(),
    'mail.linkBaseUrl': LINK_BASE,
    'rateLimits.loginPerAddress.limit': 100_000,
    'rateLimits.passwordResetPerAddress.limit': 5,
    'rateLimits.passwordResetPerEmail.limit': 3,
  });

  beforeAll(async () => {
    ({ t, teams } = env = await startTokenAdmin(config));
  });
  afterAll(async () => {
    await env?.close();
  });

  const handler = () => t.app.get(PasswordResetHandler);

  async function newOwner() {
    const email = `reset-${randomUUID()}@example.com`;
    const created = await teams.createTeam({ name: 'Reset <Team> & Co', owner: { email, password: OLD_PASSWORD } });
    return { email, user: created.owner };
  }

  const login = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/login', payload: { email, password }, remoteAddress: newAddress() });
  const requestReset = (email: string, remoteAddress = newAddress()) =>
    t.app.inject({ method: 'POST', url: '/password-reset', payload: { email }, remoteAddress });
  const form = (url: string, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  /** The link of the newest reset mail to `email`, checked in both formats. */
  async function resetLink(email: string, count = 1): Promise<URL> {
    const mails = await mailpit.waitFor(email, { count });
    const m = mails[mails.length - 1]!;
    expect(m.Subject).toBe('Reset your Wire password for Reset <Team> & Co');
    const match = /^(https:\/\/wire\.example\.com\/password-reset\/set\?key=[A-Za-z0-9_-]+&code=[A-Za-z0-9_-]+)$/m.exec(m.Text);
    expect(match, m.Text).not.toBeNull();
    const link = match![1]!;
    expect(m.Text).toContain('Choose a new password:');
    expect(m.HTML).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    expect(m.HTML).toContain('Reset &lt;Team&gt; &amp; Co');
    return new URL(link);
  }

  it('request, mail, link, new password: old sessions end, the new password logs in, the link works once', async () => {
    const { email } = await newOwner();
    const session = await login(email, OLD_PASSWORD);
    expect(session.statusCode).toBe(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;

    const r = await requestReset(email);
    expect(r.statusCode).toBe(201);
    expect(r.body).toBe('');
    const link = await resetLink(email);
    const path = `${link.pathname}${link.search}`;

    const page = await t.app.inject({ method: 'GET', url: path, headers: { 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<form method="post" action="/password-reset/set">');
    expect(page.body).toContain('an uppercase letter');

    // A weak password, or two that differ, shows the form again and does not use up the link.
    const key = link.searchParams.get('key')!;
    const code = link.searchParams.get('code')!;
    const weak = await form('/password-reset/set', { key, code, password: 'short', password_confirm: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('8 to 1024 characters');
    const differ = await form('/password-reset/set', { key, code, password: NEW_PASSWORD, password_confirm: `${NEW_PASSWORD}x` });
    expect(differ.statusCode).toBe(400);
    expect(differ.body).toContain('The two passwords differ.');

    const done = await form('/password-reset/set', { key, code, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your password is set.');

    // The old session is gone; the old password no longer works; the new one does.
    expect((await t.app.inject({ method: 'POST', url: '/access', headers: { cookie } })).statusCode).toBe(403);
    expect((await login(email, OLD_PASSWORD)).statusCode).toBe(403);
    expect((await login(email, NEW_PASSWORD)).statusCode).toBe(200);

    // The link is used: the page says so, a second form post too, and the JSON route refuses it.
    const reused = await t.app.inject({ method: 'GET', url: path });
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain('The link has already been used.');
    const again = await form('/password-reset/set', { key, code, password: 'An0ther-pass!', password_confirm: 'An0ther-pass!' });
    expect(again.statusCode).toBe(410);
    const json = await t.app.inject({ method: 'POST', url: '/password-reset/complete', payload: { key, code, password: 'An0ther-pass!' } });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({ code: 400, label: 'invalid-code', message: 'Invalid password reset code.' });
    expect((await login(email, 'An0ther-pass!')).statusCode).toBe(403);

    // Nothing secret reached the log: not the code, the key, the link or either password.
    const logs = t.logs();
    for (const secret of [code, key, link.href, NEW_PASSWORD, OLD_PASSWORD]) expect(logs).not.toContain(secret);
    expect(logs).toContain('password reset: new password set, sessions ended');
  });

  it('completes through the JSON route (brig shape), refusing a weak password without using the link', async () => {
    const { email } = await newOwner();
    await requestReset(email);
    const link = await resetLink(email);
    const key = link.searchParams.get('key')!;
    const code = link.searchParams.get('code')!;
    const complete = (password: string) =>
      t.app.inject({ method: 'POST', url: '/password-reset/complete', payload: { key, code, password } });
    const weak = await complete('alllowercase1!');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ label: 'weak-password' });
    expect((await complete(NEW_PASSWORD)).statusCode).toBe(200);
    expect((await complete(NEW_PASSWORD)).json()).toMatchObject({ label: 'invalid-code' });
    expect((await login(email, NEW_PASSWORD)).statusCode).toBe(200);
    // A code that is not the one mailed, and a mangled key, are the same invalid-code.
    const other = await t.app.inject({
      method: 'POST',
      url: '/password-reset/complete',
      payload: { key: 'x', code: 'y', password: NEW_PASSWORD },
    });
    expect(other.json()).toMatchObject({ code: 400, label: 'invalid-code' });
  });

  it('answers an unknown email exactly as a known one, and sends it nothing', async () => {
    const { email } = await newOwner();
    const unknown = `nobody-${randomUUID()}@example.com`;
    const known = await requestReset(email);
    const notKnown = await requestReset(unknown);
    for (const r of [known, notKnown]) {
      expect(r.statusCode).toBe(201);
      expect(r.body).toBe('');
    }
    expect(notKnown.headers['content-type']).toEqual(known.headers['content-type']);
    expect(notKnown.headers['content-length']).toEqual(known.headers['content-length']);
    await handler().settled();
    await mailpit.waitFor(email);
    // The known address got its mail through the same worker round; the unknown one got nothing.
    expect(await mailpit.to(unknown)).toEqual([]);
    // A malformed address is accepted the same way, too.
    expect((await requestReset('not-an-email')).statusCode).toBe(201);
  });

  it('a new request replaces the pending link: only the newest works', async () => {
    const { email } = await newOwner();
    await requestReset(email);
    const first = await resetLink(email, 1);
    await requestReset(email);
    const second = await resetLink(email, 2);
    expect(second.searchParams.get('key')).toBe(first.searchParams.get('key'));
    expect(second.searchParams.get('code')).not.toBe(first.searchParams.get('code'));
    expect((await t.app.inject({ method: 'GET', url: `${first.pathname}${first.search}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${second.pathname}${second.search}` })).statusCode).toBe(200);
  });

  it('limits requests per client address (429) and, silently, mails per account', async () => {
    const { email } = await newOwner();
    const address = newAddress();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await requestReset(email, address)).statusCode);
    expect(answers).toEqual([201, 201, 201, 201, 201, 429]);
    await handler().settled();
    await mailpit.waitFor(email, { count: 3 });
    // Give the worker a few rounds: a fourth mail would have arrived by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailpit.to(email)).toHaveLength(3);
  });

  it('an unknown or mangled link gets the clear page, never a 500', async () => {
    for (const url of ['/password-reset/set', '/password-reset/set?key=abc&code=def', '/password-reset/set?key[]=1&code=%00']) {
      const r = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'de-DE' } });
      expect(r.statusCode, url).toBe(404);
      expect(r.body).toContain('Der Link ist ungültig');
    }
    const posted = await form('/password-reset/set', { key: 'abc', code: 'def', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(posted.statusCode).toBe(404);
    // Forms are taken on the page's route only: /login still refuses them.
    expect((await form('/login', { email: 'a@b.c', password: 'x' })).statusCode).toBe(415);
  });
});
