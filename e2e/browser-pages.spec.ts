import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { UserId } from '@sso/domain';
import { cassandraIdentityStores } from '@sso/persistence';
import { systemClock } from '@sso/domain';
import { type BrowserStack, ownerBearer, screenshot, startBrowserStack, watch } from './browser-stack';

/**
 * The enterprise-login page and the API reference in Debian's Chromium, through the dev gateway
 * (one origin, as behind the Ingress), on Cassandra, against the pysaml2 IdP: keyboard only
 * (Enter submits), labels, the error next to the field, deep links, the result page, and no CSP
 * refusal or request to another origin on any page.
 */
describe('enterprise login and API reference in a browser', () => {
  let s: BrowserStack;
  let idpId: string;

  beforeAll(async () => {
    s = await startBrowserStack();
    const bearer = await ownerBearer(s);
    await s.idp.trustSp(await (await fetch(`${s.backend}/sso/metadata/${s.team}`)).text());
    const r = await fetch(`${s.backend}/identity-providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: s.idp.metadataUrl }),
    });
    if (r.status !== 201) throw new Error(`IdP: ${r.status} ${await r.text()}`);
    idpId = ((await r.json()) as { id: string }).id;
  }, 600_000);
  afterAll(async () => {
    await s?.close();
  });

  async function fresh(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await s.browser.newContext();
    const { problems } = watch(context, [s.backend, s.idp.base]);
    return { context, page: await context.newPage(), problems };
  }

  /** At the pysaml2 IdP's login page: type the employee's name and press Enter. */
  async function logInAtIdp(page: Page, user: string): Promise<void> {
    await page.waitForURL(`${s.idp.base}/sso**`);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('User name').press('Enter');
    await page.waitForURL(`${s.backend}/sso/login/result**`);
  }

  it('typing a bad code shows the reason next to the field; a pasted good code logs the employee in', async () => {
    const { context, page, problems } = await fresh();
    await page.goto(`${s.backend}/sso/login`);
    expect(await page.title()).toBe('Enterprise login');
    const field = page.getByLabel('SSO code');
    // The field has focus on arrival: typing needs no mouse.
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'sso-login-form');

    await page.keyboard.type('wire-not-a-code');
    await page.keyboard.press('Enter');
    await page.waitForURL(/code=wire-not-a-code/);
    const error = page.locator('#code-error');
    expect(await error.textContent()).toContain('This is not an SSO code.');
    expect(await error.textContent()).toContain('(not-found)');
    expect(await field.getAttribute('aria-describedby')).toContain('code-error');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe('wire-not-a-code');
    await screenshot(page, 'sso-login-bad-code');

    await field.fill(`  wire-${idpId}  `);
    await field.press('Enter');
    await logInAtIdp(page, 'employee.one@example.com');
    expect(await page.locator('main').textContent()).toContain('You are logged in as employee.one@example.com.');
    expect(await page.locator('main').textContent()).toContain('Acme Browser Test');
    const cookies = await context.cookies(s.backend);
    expect(cookies.find((c) => c.name === 'zuid')).toMatchObject({ httpOnly: true, path: '/' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a deep link starts the login at once; a refused login says why in plain words', async () => {
    const { context, page, problems } = await fresh();
    await page.goto(`${s.backend}/sso/login?code=wire-${idpId}`);
    await logInAtIdp(page, 'employee.two@example.com');
    expect(await page.locator('main').textContent()).toContain('You are logged in as employee.two@example.com.');

    // The admin suspends the employee; the next login is refused, and the page says so.
    const identity = cassandraIdentityStores(s.db, systemClock);
    const bearer = await ownerBearer(s);
    const self = await fetch(`${s.backend}/self`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(self.status).toBe(200);
    const uid = await employeeId(context);
    await identity.users.update(uid, { status: 'suspended' });
    await page.goto(`${s.backend}/sso/login?code=${idpId}`);
    await logInAtIdp(page, 'employee.two@example.com');
    expect(page.url()).toBe(`${s.backend}/sso/login/result?label=suspended`);
    const text = await page.locator('main').textContent();
    expect(text).toContain('You are not logged in.');
    expect(text).toContain('Your account is suspended. Ask your team admin to reactivate it.');
    expect(await page.getByRole('alert').count()).toBe(1);
    await screenshot(page, 'sso-login-refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  /** The user id of the context's session: the zuid cookie exchanged at /access, then /self. */
  async function employeeId(context: BrowserContext): Promise<UserId> {
    const zuid = (await context.cookies(s.backend)).find((c) => c.name === 'zuid')!.value;
    const access = await fetch(`${s.backend}/access`, { method: 'POST', headers: { cookie: `zuid=${zuid}` } });
    const token = ((await access.json()) as { access_token: string }).access_token;
    const self = await fetch(`${s.backend}/self`, { headers: { authorization: `Bearer ${token}` } });
    return ((await self.json()) as { id: UserId }).id;
  }

  it('the API reference: an index, then swagger-ui for each app, from this origin only, under its CSP', async () => {
    const { context, page, problems } = await fresh();
    await page.goto(`${s.backend}/api-docs`);
    expect(await page.title()).toBe('API reference');
    await page.getByRole('link', { name: 'saml-sp' }).click();
    await page.waitForURL(`${s.backend}/api-docs/saml-sp`);
    await page.locator('.opblock-summary-path', { hasText: '/sso/login/result' }).first().waitFor();
    // Open one operation and try it: what swagger-ui styles from script must pass the CSP too.
    await page.locator('.opblock-summary', { hasText: '/sso/login/result' }).first().click();
    await page.getByRole('button', { name: 'Try it out' }).first().click();
    await page.getByRole('button', { name: 'Execute' }).first().click();
    await page.locator('.responses-wrapper .live-responses-table').first().waitFor();
    await screenshot(page, 'api-docs', { fullPage: false });
    // The selector at the top switches to the other apps' documents (same origin through the gateway).
    for (const [app, path] of [
      ['scim-api', '/scim/v2/Users'],
      ['token-admin', '/scim/auth-tokens'],
    ]) {
      await page.locator('.topbar select').selectOption({ label: app });
      await page.locator('.opblock-summary-path', { hasText: path }).first().waitFor();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
