// The page script without a browser: its syntax (node --check), the rule that it never turns
// data into markup, and its rendering functions on a minimal fake DOM that records what the
// script builds and serialises it the way a browser would (text escaped). The browser e2e test
// drives the real page.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml } from '@sso/platform';
import { TEAM_SETTINGS_SCRIPT } from './team-settings.client';

class FakeText {
  constructor(readonly data: string) {}
  get textContent(): string {
    return this.data;
  }
  serialize(): string {
    return escapeHtml(this.data);
  }
}

class FakeElement {
  readonly attrs = new Map<string, string>();
  readonly children: Array<FakeElement | FakeText> = [];
  readonly listeners = new Map<string, unknown>();
  constructor(readonly tagName: string) {}
  setAttribute(k: string, v: string): void {
    expect(typeof v).toBe('string');
    this.attrs.set(k, v);
  }
  getAttribute(k: string): string | null {
    return this.attrs.get(k) ?? null;
  }
  addEventListener(type: string, f: unknown): void {
    this.listeners.set(type, f);
  }
  appendChild(c: FakeElement | FakeText): void {
    expect(c instanceof FakeElement || c instanceof FakeText, 'only nodes are appended').toBe(true);
    this.children.push(c);
  }
  append(...cs: Array<FakeElement | FakeText>): void {
    for (const c of cs) this.appendChild(c);
  }
  set innerHTML(_: string) {
    throw new Error('innerHTML used');
  }
  get textContent(): string {
    return this.children.map((c) => c.textContent).join('');
  }
  serialize(): string {
    const attrs = [...this.attrs].map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
    return `<${this.tagName}${attrs}>${this.children.map((c) => c.serialize()).join('')}</${this.tagName}>`;
  }
  /** Every element below (and including) this one. */
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => (c instanceof FakeElement ? c.all() : []))];
  }
}

const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => new FakeText(text),
};

type Nodes = Array<FakeElement | FakeText | string>;
interface Client {
  WORDS: Record<string, string>;
  ApiError: new (status: number, label: string, message?: string) => Error;
  describeError(e: unknown): string;
  renderIdp(spar: unknown, details: unknown, now: Date, actions: unknown): FakeElement;
  renderTokens(tokens: unknown[], names: Record<string, string>, now: Date, actions: unknown): FakeElement;
  renderEvents(events: unknown[], idpNames?: Record<string, string>): FakeElement[];
  certificateNodes(details: unknown, now: Date): Nodes;
  expiryNodes(token: unknown, now: Date): Nodes;
  lastUsedNodes(token: unknown): Nodes;
  boundUsersSentence(n: number | null): string;
}

const text = (nodes: Nodes) => nodes.map((n) => (typeof n === 'string' ? n : n.textContent)).join('');
const MARKUP = '<img src=x onerror="alert(1)">&amp;';
const NOW = new Date('2026-12-04T12:00:00Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
const noActions = { replace: () => undefined, remove: () => undefined, rename: () => undefined };

describe('the team-settings script', () => {
  let file: string;
  let client: Client;
  const saved = (globalThis as { document?: unknown }).document;

  beforeAll(async () => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'team-settings-')), 'app.mjs');
    fs.writeFileSync(file, TEAM_SETTINGS_SCRIPT);
    client = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Client;
  });
  beforeEach(() => {
    (globalThis as { document?: unknown }).document = fakeDocument;
  });
  afterEach(() => {
    (globalThis as { document?: unknown }).document = saved;
  });

  it('is a valid ES module', () => {
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has no way to turn data into markup or code', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      'DOMParser',
      'createContextualFragment',
    ]) {
      expect(TEAM_SETTINGS_SCRIPT, sink).not.toContain(sink);
    }
    // Nothing is fetched from elsewhere: every URL is built relative to the script.
    expect(TEAM_SETTINGS_SCRIPT).not.toMatch(/fetch\(\s*['"]/);
    expect(TEAM_SETTINGS_SCRIPT).not.toMatch(/https?:\/\/[a-z0-9]/i);
  });

  it('keeps the access token in memory: never in storage, never in a URL', () => {
    expect(TEAM_SETTINGS_SCRIPT).not.toMatch(/localStorage|sessionStorage|document\.cookie|access_token=/);
  });

  const idp = (fields: { handle?: string; issuer?: string } = {}) => ({
    id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    metadata: { issuer: fields.issuer ?? 'https://idp.example.com', requestURI: 'https://idp.example.com/sso', certAuthnResponse: [] },
    extraInfo: { team: 't', apiVersion: 'WireIdPAPIV2', oldIssuers: [], replacedBy: null, handle: fields.handle ?? 'Entra', domain: null },
  });
  const details = (fields: Record<string, unknown> = {}) => ({
    id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    login_url: 'https://wire.example.com/sso/login?code=wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    sp_metadata_url: 'https://wire.example.com/sso/metadata/t',
    cert_expiry: days(200),
    cert_status: 'ok',
    metadata_source: { kind: 'upload' },
    bound_users: 3,
    ...fields,
  });

  it('renders an issuer and a connection name holding markup as text', () => {
    const el = client.renderIdp(idp({ handle: `<b>${MARKUP}</b>`, issuer: MARKUP }), details(), NOW, noActions);
    const out = el.serialize();
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
    expect(out).toContain(escapeHtml(MARKUP));
    expect(el.textContent).toContain(MARKUP);
    const copy = el.all().find((e) => e.getAttribute('data-copy') === 'idp-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d-code')!;
    expect(copy.getAttribute('aria-label')).toBe(`Copy SSO code of <b>${MARKUP}</b>`);
  });

  it('shows the SSO code, the login URL and copy buttons that point at them', () => {
    const el = client.renderIdp(idp(), details(), NOW, noActions);
    const byId = new Map(el.all().map((e) => [e.getAttribute('id'), e]));
    const p = 'idp-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d';
    expect(byId.get(`${p}-code`)!.textContent).toBe('wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d');
    expect(byId.get(`${p}-login-url`)!.textContent).toBe(
      'https://wire.example.com/sso/login?code=wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    );
    const targets = el
      .all()
      .map((e) => e.getAttribute('data-copy'))
      .filter(Boolean);
    expect(targets).toEqual([`${p}-code`, `${p}-login-url`]);
    // Every label names a control of the same card.
    for (const label of el.all().filter((e) => e.tagName === 'label')) expect(byId.has(label.getAttribute('for'))).toBe(true);
  });

  it('without our details, still gives the login URL in the one form, relative to the script', () => {
    const el = client.renderIdp(idp(), null, NOW, noActions);
    const url = el.all().find((e) => e.getAttribute('id')?.endsWith('-login-url'))!.textContent;
    expect(url).toMatch(/\/sso\/login\?code=wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d$/);
    expect(el.textContent).toContain('Bound usersunknown');
  });

  it('names the bound-user count in the delete warning and the purge choice', () => {
    const el = client.renderIdp(idp(), details({ bound_users: 3 }), NOW, noActions);
    expect(el.textContent).toContain('3 users are bound to this connection.');
    expect(el.textContent).toContain('Also delete the 3 bound users');
    const purge = el.all().find((e) => e.getAttribute('name') === 'purge')!;
    expect(purge.getAttribute('type')).toBe('checkbox');
    expect(purge.getAttribute('checked')).toBeNull(); // never ticked for the admin
    expect(client.boundUsersSentence(1)).toBe('1 user is bound to this connection.');
    expect(client.boundUsersSentence(0)).toBe('No users are bound to this connection.');
    expect(client.boundUsersSentence(null)).toContain('not known');
  });

  it('warns about a certificate that expires within 30 days or has expired', () => {
    expect(text(client.certificateNodes(details({ cert_expiry: days(200) }), NOW))).toBe('2027-06-22 12:00 UTC');
    expect(text(client.certificateNodes(details({ cert_expiry: days(10.5), cert_status: 'expiring' }), NOW))).toContain(
      'Expires in 10 days',
    );
    expect(text(client.certificateNodes(details({ cert_expiry: days(-1), cert_status: 'expired' }), NOW))).toMatch(
      /^Expired on .*replace its metadata/,
    );
    expect(text(client.certificateNodes(null, NOW))).toBe('unknown');
  });

  it('describes the metadata source: uploaded, or a URL with its last refresh and error', () => {
    const up = client.renderIdp(idp(), details(), NOW, noActions);
    expect(up.textContent).toContain('Uploaded XML (not refreshed automatically)');
    const url = client.renderIdp(
      idp(),
      details({
        metadata_source: {
          kind: 'url',
          url: `https://idp.example.com/${MARKUP}`,
          checked_at: days(-0.5),
          applied_at: null,
          valid_until: null,
          last_error: MARKUP,
        },
      }),
      NOW,
      noActions,
    );
    expect(url.textContent).toContain(
      `From https://idp.example.com/${MARKUP}; last refreshed 2026-12-04 00:00 UTC. The last refresh failed: ${MARKUP}`,
    );
    expect(url.serialize()).not.toContain('<img');
  });

  it('renders a token description and name holding markup as text, also inside attributes', () => {
    const token = {
      id: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b',
      team: 't',
      created_at: '2026-11-30T06:00:00.123Z',
      idp: null,
      description: `<script>alert(1)</script>${MARKUP}`,
      name: `"><svg onload=alert(1)>`,
    };
    const el = client.renderTokens([token], {}, NOW, noActions);
    const out = el.serialize();
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<svg');
    expect(el.textContent).toContain(token.description);
    const input = el.all().find((e) => e.getAttribute('name') === 'name')!;
    expect(input.getAttribute('value')).toBe(token.name);
    expect(el.textContent).toContain('Not bound');
  });

  it('shows "last used" and the expiry only when the API gives them', () => {
    const base = { id: 'x', team: 't', created_at: '2026-11-30T06:00:00.000Z', idp: 'i', description: 'd', name: 'n' };
    // Before the token lifecycle fields exist.
    expect(text(client.lastUsedNodes(base))).toBe('never');
    expect(client.expiryNodes(base, NOW)).toEqual([]);
    const old = client.renderTokens([base], { i: 'Entra' }, NOW, noActions);
    expect(
      old
        .all()
        .filter((e) => e.tagName === 'th')
        .map((e) => e.textContent),
    ).not.toContain('Expires');
    expect(old.textContent).toContain('Entra');
    // After.
    expect(text(client.lastUsedNodes({ ...base, last_used: null }))).toBe('never');
    expect(text(client.lastUsedNodes({ ...base, last_used: '2026-12-03T10:05:00Z' }))).toBe('2026-12-03 10:05 UTC');
    expect(text(client.expiryNodes({ ...base, expires_at: null }, NOW))).toBe('never');
    expect(text(client.expiryNodes({ ...base, expires_at: days(100) }, NOW))).toBe('2027-03-14 12:00 UTC');
    expect(text(client.expiryNodes({ ...base, expires_at: days(13.5) }, NOW))).toContain('Expires in 13 days');
    expect(text(client.expiryNodes({ ...base, expires_at: days(14.5) }, NOW))).not.toContain('Expires in');
    expect(text(client.expiryNodes({ ...base, expires_at: days(-0.01) }, NOW))).toMatch(/^Expired/);
    // The API's own flags (its configured window) win over the page's 14 days.
    expect(text(client.expiryNodes({ ...base, expires_at: days(20), expired: false, expires_soon: true }, NOW))).toContain(
      'Expires in 20 days',
    );
    expect(text(client.expiryNodes({ ...base, expires_at: days(5), expired: false, expires_soon: false }, NOW))).not.toContain(
      'Expires in',
    );
    expect(text(client.expiryNodes({ ...base, expires_at: days(1), expired: true, expires_soon: false }, NOW))).toMatch(/^Expired/);
    const rotated = client.renderTokens([{ ...base, replaced_by: 'y' }], {}, NOW, noActions);
    expect(rotated.textContent).toContain('Replaced by a newer token');
    const now = client.renderTokens([{ ...base, expires_at: days(3), last_used: null }], {}, NOW, noActions);
    expect(
      now
        .all()
        .filter((e) => e.tagName === 'th')
        .map((e) => e.textContent),
    ).toContain('Expires');
  });

  it('renders activity with the failure reason in words, and markup in names as text', () => {
    const [row] = client.renderEvents(
      [
        {
          id: 'e1',
          at: '2026-12-04T09:30:00Z',
          kind: 'sso.login',
          outcome: 'failed',
          actor: { type: 'idp', id: 'i', name: MARKUP },
          subject: { type: 'user', id: 'u', name: `<i>${MARKUP}</i>` },
          reason: 'idp-has-bound-users',
          idp: 'i1',
          detail: { why: MARKUP },
        },
      ],
      { i1: `<u>${MARKUP}</u>` },
    );
    expect(row.serialize()).not.toContain('<img');
    expect(row.serialize()).not.toContain('<i>');
    expect(row.textContent).toContain('Failed');
    expect(row.textContent).toContain(`Connection: ${MARKUP}`);
    expect(row.textContent).toContain('(idp-has-bound-users)');
    expect(row.textContent).toContain(`<u>${MARKUP}</u>`); // the connection by its name
    expect(row.serialize()).not.toContain('<u>');
    const [ok] = client.renderEvents([
      {
        id: 'e2',
        at: '2026-12-04T09:30:00Z',
        kind: 'scim.user.create',
        outcome: 'ok',
        actor: { type: 'scim-token', id: 't', name: 'Entra' },
        subject: null,
      },
    ]);
    expect(ok.textContent).toContain('SucceededSCIM token: Entra');
  });

  it('puts API errors in words, with the check that failed where the words cannot know it', () => {
    const E = client.ApiError;
    expect(client.describeError(new E(403, 'invalid-credentials', 'Authentication failed'))).toBe(client.WORDS['invalid-credentials']);
    expect(client.describeError(new E(403, 'token-limit-reached', 'x'))).toContain('maximum number of SCIM tokens');
    expect(client.describeError(new E(400, 'invalid-metadata', 'Invalid IdP metadata: no IDPSSODescriptor'))).toBe(
      `${client.WORDS['invalid-metadata']} Invalid IdP metadata: no IDPSSODescriptor`,
    );
    expect(client.describeError(new E(409, 'some-new-label', 'A clear message'))).toBe('A clear message');
    expect(client.describeError(new E(500, 'server-error', 'Internal server error'))).toBe(client.WORDS['server-error']);
    expect(client.describeError(new E(502, 'whatever', 'stack trace'))).toBe(client.WORDS['server-error']);
    expect(client.describeError(new Error('TypeError'))).toBe(client.WORDS['server-error']);
    for (const label of [
      'access-denied',
      'insufficient-permissions',
      'idp-has-bound-users',
      'cannot-delete-own-idp',
      'idp-already-in-use',
      'sso-disabled',
    ]) {
      expect(client.WORDS[label], label).toBeTruthy();
    }
  });
});
