import { describe, expect, it } from 'vitest';
import { pageCspOf, renderPage } from '@sso/platform';
import { TEAM_SETTINGS_SCRIPT } from './team-settings.client';
import { teamSettingsPage } from './team-settings.page';

const doc = renderPage(teamSettingsPage());
const ids = [...doc.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

describe('the team-settings shell', () => {
  it('loads its one script from its own app, by a relative URL, with the strict CSP of the page kit', () => {
    expect(doc).toContain('<script type="module" src="team-settings/app.js"></script>');
    expect(doc).not.toMatch(/src="(https?:)?\/\//);
    expect(doc).not.toMatch(/href="(https?:)?\/\//);
    const csp = pageCspOf(teamSettingsPage());
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
  });

  it('has unique ids, and every label names a control of the page', () => {
    expect(new Set(ids).size).toBe(ids.length);
    const fors = [...doc.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]);
    expect(fors.length).toBeGreaterThan(10);
    for (const f of fors) expect(ids, f).toContain(f);
    // Every input, select and textarea has a label.
    for (const m of doc.matchAll(/<(input|select|textarea) id="([^"]+)"/g)) expect(fors, m[2]).toContain(m[2]);
  });

  it('holds every element the script looks up by a fixed id', () => {
    const looked = [...TEAM_SETTINGS_SCRIPT.matchAll(/\$\('([a-z-]+)'\)/g)].map((m) => m[1]);
    const built = [...TEAM_SETTINGS_SCRIPT.matchAll(/id: '([a-z-]+)'/g)].map((m) => m[1]);
    expect(looked.length).toBeGreaterThan(20);
    for (const id of new Set(looked)) expect([...ids, ...built], id).toContain(id);
    for (const id of ['signin', 'signed-in', 'not-admin', 'admin', 'sso', 'scim', 'activity']) expect(ids).toContain(id);
  });

  it('carries the limit message under its API label, hidden until the limit is reached', () => {
    expect(doc).toMatch(/<p id="token-limit-reached" data-label="token-limit-reached" class="notice warning" hidden>/);
  });

  it('shows sign-in, the sections and the not-admin explanation only when the script decides', () => {
    for (const id of ['signin', 'signed-in', 'not-admin', 'activity-unavailable', 'token-created']) {
      expect(doc).toMatch(new RegExp(`id="${id}"[^>]* hidden`));
    }
    expect(doc).toContain('<noscript>');
  });
});
