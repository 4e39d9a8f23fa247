import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { type BrowserStack, screenshot, startBrowserStack, watch } from './browser-stack';

/**
 * Issue #12's whole flow in Debian's Chromium, through the dev gateway (the three apps on one
 * origin, as behind the Ingress), on Cassandra and Redis, against the pysaml2 IdP:
 * the admin signs in at /team-settings, adds a connection from the IdP's metadata, copies the SSO
 * code, creates a SCIM token and provisions an employee with it (SCIM over HTTP, as a provisioning
 * tool would), sees the activity; the employee then logs in at /sso/login with the copied code
 * and the page says who is logged in; the admin sees that login in the activity.
 */
/**
 * Shows the activity until a row with `text` is there. The apps gather activity events for
 * `activity.batchDelayMs` (100 ms) before writing them, so a list loaded right after the request
 * may not have it yet: the admin asks again, as on the page.
 */
async function showActivityUntil(page: Page, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('button', { name: 'Show activity' }).click();
    try {
      await page.locator('#activity-rows tr', { hasText: text }).first().waitFor({ timeout: 1000 });
      return;
    } catch (e) {
      if (attempt === 10) throw e;
    }
  }
}

describe('team settings and enterprise login, end to end in a browser', () => {
  let s: BrowserStack;
  let admin: { context: BrowserContext; page: Page; problems: string[] };
  const employee = {
    nameId: `employee.${Date.now()}@example.com`,
    handle: `emp${Date.now().toString(36)}`,
    name: 'Erin Employee',
  };

  beforeAll(async () => {
    s = await startBrowserStack();
    // The IdP trusts our SP (its metadata for the team): an IdP admin's half of the setup.
    await s.idp.trustSp(await (await fetch(`${s.backend}/sso/metadata/${s.team}`)).text());
    const context = await s.browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.backend });
    const { problems } = watch(context, [s.backend, s.idp.base]);
    admin = { context, page: await context.newPage(), problems };
  }, 600_000);
  afterAll(async () => {
    await s?.close();
  });

  let code = '';
  let token = '';

  it('the admin signs in with email and password', async () => {
    const page = admin.page;
    await page.goto(`${s.backend}/team-settings`);
    await page.getByLabel('Email').waitFor();
    await screenshot(page, 'team-settings-signed-out');
    await page.getByLabel('Email').fill(s.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(s.admin.password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.locator('#admin').waitFor();
    expect(await page.locator('#me-name').textContent()).toBe('Alex Admin');
    await screenshot(page, 'team-settings-signed-in');
  });

  it('adds a connection from the IdP metadata and copies its SSO code', async () => {
    const page = admin.page;
    await page.getByLabel('Metadata XML').fill(await s.idp.metadata());
    await page.getByLabel('Connection name (optional)').fill('Test IdP');
    await page.getByRole('button', { name: 'Add connection' }).click();
    const article = page.locator('article.idp', { hasText: 'Test IdP' });
    await article.waitFor();
    expect(await article.textContent()).toContain(s.idp.issuer);
    const codeEl = article.locator('code[id$="-code"]');
    const shown = (await codeEl.textContent())!;
    expect(shown).toMatch(/^wire-[0-9a-f-]{36}$/);
    await article.getByRole('button', { name: /^Copy SSO code/ }).click();
    code = await page.evaluate(() => navigator.clipboard.readText());
    expect(code).toBe(shown);
    const loginUrl = await article.locator('code[id$="-login-url"]').textContent();
    expect(loginUrl).toBe(`${s.backend}/sso/login?code=${code}`);
    await screenshotOf(page, '#sso', 'team-settings-sso');
  });

  it('creates a SCIM token (password again), shown once, and provisions an employee with it', async () => {
    const page = admin.page;
    await page.getByLabel('Description').fill('Browser test provisioning');
    await page.getByLabel('Your password').fill(s.admin.password);
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('#token-created').waitFor();
    token = (await page.locator('#token-secret').textContent())!;
    expect(token.length).toBeGreaterThan(20);
    await screenshotOf(page, '#scim', 'team-settings-scim-token');

    const r = await fetch(`${s.backend}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: employee.handle,
        externalId: employee.nameId,
        displayName: employee.name,
      }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.locator('#token-created').isHidden()).toBe(true);
  });

  it('sees the token and the provisioning in the activity', async () => {
    const page = admin.page;
    await showActivityUntil(page, 'scim.user.created');
    const text = await page.locator('#activity-list').textContent();
    expect(text).toContain('scim.user.created');
    expect(text).toContain('token.created');
    expect(text).toContain('idp.created');
    expect(text).not.toContain(token);
  });

  it('the employee logs in at /sso/login with the copied code; the page says who is logged in', async () => {
    const context = await s.browser.newContext();
    const { problems } = watch(context, [s.backend, s.idp.base]);
    const page = await context.newPage();
    await page.goto(`${s.backend}/sso/login`);
    await page.getByLabel('SSO code').fill(code);
    await page.getByLabel('SSO code').press('Enter');
    await page.waitForURL(`${s.idp.base}/sso**`);
    await page.getByLabel('User name').fill(employee.nameId);
    await page.getByLabel('User name').press('Enter');
    await page.waitForURL(`${s.backend}/sso/login/result`);
    const main = await page.locator('main').textContent();
    expect(main).toContain(`You are logged in as ${employee.name}.`);
    expect(main).toContain(`@${employee.handle}`);
    expect(main).toContain('Acme Browser Test');
    await screenshot(page, 'sso-login-success');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the admin sees that login in the activity', async () => {
    const page = admin.page;
    await showActivityUntil(page, 'sso.login.succeeded');
    await screenshotOf(page, '#activity-list', 'team-settings-activity');
    expect(admin.problems).toEqual([]);
  });
});

/** A screenshot of one section (SCREENSHOTS=1 only). */
async function screenshotOf(page: Page, selector: string, name: string): Promise<void> {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await screenshot(page, name);
}
