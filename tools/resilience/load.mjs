// The mixed load of the resilience run, and its bookkeeping: every request through the gateway is
// timed and tagged with the phase it started in; every acknowledged write is remembered so that
// verify() can read it back. Each client owns its users and its group, so the value a PATCH
// acknowledged last is the value that must be stored.
import { randomUUID } from 'node:crypto';

const SCIM = 'application/scim+json';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SSO_USERS = 12;
const REQUEST_TIMEOUT_MS = 90_000;
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

const quantile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);

/**
 * p50/p99/max per phase, in the order the phases happened, over the requests in flight during
 * the phase (started before its end, ended after its start): a request that started just before
 * the node was killed and waited through it counts for the node loss.
 */
export function phaseTable(samples, phases) {
  const rows = [['phase', 'seconds', 'requests', 'p50', 'p99', 'max']];
  phases.forEach((p, i) => {
    const end = phases[i + 1]?.at ?? Infinity;
    const ms = samples.filter((s) => s.start < end && s.start + s.ms >= p.at).map((s) => s.ms);
    ms.sort((a, b) => a - b);
    const secs = Number.isFinite(end) ? ((end - p.at) / 1000).toFixed(0) : '-';
    rows.push([
      p.name,
      secs,
      String(ms.length),
      ...(ms.length ? [...[0.5, 0.99].map((q) => quantile(ms, q).toFixed(0)), ms[ms.length - 1].toFixed(0)] : ['-', '-', '-']),
    ]);
  });
  return rows
    .map(
      (r) =>
        `  ${r[0].padEnd(16)}${r
          .slice(1)
          .map((c) => c.padStart(9))
          .join('')}`,
    )
    .join('\n');
}

export class Load {
  constructor({ gateway, tokenAdmin, workers, maxRequests, idp, say }) {
    Object.assign(this, { gateway, tokenAdmin, workers, maxRequests, idp, say });
    this.current = 'baseline';
    this.phases = [];
    this.samples = [];
    this.failures = [];
    this.requests = 0;
    this.failed = 0;
    this.stopped = false;
    this.acked = { users: new Map(), groups: new Map() };
    this.counts = { patches: 0, members: 0, logins: 0 };
    this.ssoUsers = [];
  }

  phase(name) {
    this.current = name;
    this.phases.push({ name, at: performance.now() });
  }

  stop() {
    this.stopped = true;
  }

  /** One request through the gateway; `expect` lists the statuses that count as success. */
  async http(label, method, url, { body, headers = {}, expect = [200], count = true } = {}) {
    const phase = this.current;
    const start = performance.now();
    let res;
    let text = '';
    let error;
    try {
      res = await fetch(`${url.startsWith('http') ? '' : this.gateway}${url}`, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - start;
    const ok = !error && expect.includes(res.status);
    if (count) {
      this.requests++;
      this.samples.push({ phase, start, ms });
      if (!ok) {
        this.failed++;
        this.failures.push(
          `${phase} ${label} ${method} ${url.replace(/\?.*/, '')}: ${error ? `${error.name}: ${error.message}` : `${res.status} ${text.slice(0, 200)}`}`,
        );
      }
    }
    return { ok, status: res?.status, text, headers: res?.headers, json: () => JSON.parse(text) };
  }

  scim(label, method, url, payload, expect) {
    return this.http(label, method, url, {
      body: payload && JSON.stringify(payload),
      headers: { authorization: `Bearer ${this.scimToken}`, ...(payload ? { 'content-type': SCIM } : {}) },
      expect,
    });
  }

  /** Team, owner, IdP, SSO users (provisioned by their first login), then the SCIM token. */
  async setup() {
    const email = `owner-${randomUUID()}@example.com`;
    const password = `resilience ${randomUUID()}`;
    const created = await this.http('setup', 'POST', `${this.tokenAdmin}/i/teams`, {
      body: JSON.stringify({ name: 'Resilience', owner: { email, password, name: 'Owner' } }),
      headers: { 'content-type': 'application/json' },
      expect: [201],
      count: false,
    });
    if (!created.ok) throw new Error(`team creation: ${created.status} ${created.text}`);
    this.team = created.json().team;
    const login = await this.http('setup', 'POST', '/login?persist=false', {
      body: JSON.stringify({ email, password }),
      headers: { 'content-type': 'application/json' },
      count: false,
    });
    if (!login.ok) throw new Error(`owner login: ${login.status} ${login.text}`);
    this.ownerToken = login.json().access_token;
    const idp = await this.http('setup', 'POST', '/identity-providers', {
      body: this.idp.metadata(),
      headers: { authorization: `Bearer ${this.ownerToken}`, 'content-type': 'application/xml' },
      expect: [201],
      count: false,
    });
    if (!idp.ok) throw new Error(`IdP: ${idp.status} ${idp.text}`);
    this.idpId = idp.json().id;
    for (let i = 0; i < SSO_USERS; i++) {
      const nameId = `sso-${i}-${randomUUID()}@example.com`;
      if (!(await this.ssoLogin(nameId, false))) throw new Error(`first SSO login of ${nameId} failed: ${this.failures.at(-1)}`);
      this.ssoUsers.push(nameId);
    }
    const token = await this.http('setup', 'POST', '/scim/auth-tokens', {
      body: JSON.stringify({ description: 'resilience', password }),
      headers: { authorization: `Bearer ${this.ownerToken}`, 'content-type': 'application/json' },
      count: false,
    });
    if (!token.ok) throw new Error(`SCIM token: ${token.status} ${token.text}`);
    this.scimToken = token.json().token;
  }

  /** A full SP-initiated login: AuthnRequest, signed Response at the ACS, cookie, access token, /self. */
  async ssoLogin(nameId, count = true) {
    const opts = (o = {}) => ({ ...o, count });
    const form = await this.http('sso', 'GET', `/sso/initiate-login/${this.idpId}`, opts());
    if (!form.ok) return false;
    const request = /name="SAMLRequest"[^>]*value="([^"]+)"/.exec(form.text) ?? /value="([^"]+)"/.exec(form.text);
    const requestId = /ID="([^"]+)"/.exec(Buffer.from(request[1], 'base64').toString())[1];
    const acs = `${this.gateway}/sso/finalize-login/${this.team}`;
    const response = b64(this.idp.response({ sp: acs, requestId, nameId }).xml);
    const verdict = await this.http(
      'sso',
      'POST',
      `/sso/finalize-login/${this.team}`,
      opts({
        body: `SAMLResponse=${encodeURIComponent(response)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    if (!verdict.ok) return false;
    const cookie = /(?:^|,\s*)(zuid=[^;]+)/.exec(verdict.headers.get('set-cookie') ?? '')?.[1];
    if (!verdict.text.includes('wire:sso:success') || !cookie) {
      if (count) {
        this.failed++;
        this.failures.push(`${this.current} sso verdict without success: ${verdict.text.slice(0, 200)}`);
      }
      return false;
    }
    const access = await this.http('sso', 'POST', '/access', opts({ headers: { cookie } }));
    if (!access.ok) return false;
    const self = await this.http('token', 'GET', '/self', opts({ headers: { authorization: `Bearer ${access.json().access_token}` } }));
    if (self.ok && count) this.counts.logins++;
    return self.ok;
  }

  async run() {
    this.phase('baseline');
    await Promise.all(Array.from({ length: this.workers }, (_, w) => this.worker(w)));
  }

  async worker(w) {
    const mine = [];
    const group = await this.scim(
      'group',
      'POST',
      '/scim/v2/Groups',
      { schemas: [GROUP_SCHEMA], displayName: `group-${w}-${randomUUID()}` },
      [201],
    );
    const groupId = group.ok ? group.json().id : undefined;
    if (groupId) this.acked.groups.set(groupId, new Set());
    while (!this.stopped && this.requests < this.maxRequests) {
      const r = Math.random();
      if (r < 0.25 || mine.length === 0) {
        const userName = `u${randomUUID().replace(/-/g, '').slice(0, 16)}`;
        const displayName = `created ${randomUUID()}`;
        const res = await this.scim(
          'create',
          'POST',
          '/scim/v2/Users',
          { schemas: [USER_SCHEMA], userName, externalId: `${userName}@example.com`, displayName },
          [201],
        );
        if (res.ok) {
          const id = res.json().id;
          // `possible`: values of PATCHes that failed after this one; one of them may have been applied.
          this.acked.users.set(id, { userName, displayName, possible: [] });
          mine.push(id);
        }
      } else if (r < 0.5) {
        const id = pick(mine);
        const displayName = `patched ${randomUUID()}`;
        const res = await this.scim(
          'patch',
          'PATCH',
          `/scim/v2/Users/${id}`,
          { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] },
          [200, 204],
        );
        const user = this.acked.users.get(id);
        if (res.ok) {
          Object.assign(user, { displayName, possible: [] });
          this.counts.patches++;
        } else user.possible.push(displayName);
      } else if (r < 0.7) {
        const id = pick(mine);
        const res = await this.scim('read', 'GET', `/scim/v2/Users/${id}`);
        const want = this.acked.users.get(id);
        if (res.ok && res.json().displayName !== want.displayName && !want.possible.includes(res.json().displayName)) {
          this.failed++;
          this.failures.push(`${this.current} read ${id}: stale displayName ${res.json().displayName}`);
        }
      } else if (r < 0.8 && groupId) {
        const members = this.acked.groups.get(groupId);
        const candidates = mine.filter((id) => !members.has(id));
        if (candidates.length === 0) continue;
        const id = pick(candidates);
        const res = await this.scim(
          'member',
          'PATCH',
          `/scim/v2/Groups/${groupId}`,
          { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] },
          [200, 204],
        );
        if (res.ok) {
          members.add(id);
          this.counts.members++;
        }
      } else if (r < 0.9) {
        await this.ssoLogin(pick(this.ssoUsers));
      } else if (r < 0.95) {
        await this.http('token', 'GET', '/self', { headers: { authorization: `Bearer ${this.ownerToken}` } });
      } else {
        await this.scim(
          'token',
          'GET',
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${this.acked.users.get(pick(mine)).userName}"`)}`,
        );
      }
    }
  }

  /** Reads back every acknowledged write (retrying a read that fails, so only a real loss counts). */
  async verify() {
    const lost = [];
    const read = async (url) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const res = await this.http('verify', 'GET', url, {
          headers: { authorization: `Bearer ${this.scimToken}` },
          expect: [200, 404],
          count: false,
        });
        if (res.ok) return res;
        await new Promise((r) => setTimeout(r, 1000));
      }
      return undefined;
    };
    for (const [id, want] of this.acked.users) {
      const res = await read(`/scim/v2/Users/${id}`);
      if (!res || res.status !== 200) lost.push(`user ${id} (${want.userName}): ${res ? res.status : 'unreadable'}`);
      else if (res.json().displayName !== want.displayName && !want.possible.includes(res.json().displayName))
        lost.push(`user ${id}: displayName ${res.json().displayName}, acknowledged ${want.displayName}`);
    }
    for (const [gid, members] of this.acked.groups) {
      const res = await read(`/scim/v2/Groups/${gid}`);
      const have = new Set(res?.status === 200 ? (res.json().members ?? []).map((m) => m.value) : []);
      if (!res || res.status !== 200) lost.push(`group ${gid}: ${res ? res.status : 'unreadable'}`);
      for (const m of members) if (!have.has(m)) lost.push(`group ${gid}: member ${m} missing`);
    }
    return lost;
  }

  summary() {
    return {
      requests: this.requests,
      failed: this.failed,
      failures: this.failures,
      writes: this.acked.users.size + this.counts.patches + this.counts.members,
      ...this.counts,
    };
  }
}
