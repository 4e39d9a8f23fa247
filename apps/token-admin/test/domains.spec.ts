import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TeamId, newIdpId, systemClock } from '@sso/domain';
import { cassandraSparStores } from '@sso/persistence';
import { TestDnsServer, type TestApp, testConfig } from '@sso/testing';
import type { TeamsHandler } from '../src/teams/teams.handler';
import { type TokenAdminEnv, startTokenAdmin, writeKeysFile } from './fixture';

const PASSWORD = 'correct horse battery';
/** A client address of its own per run, so the Redis rate-limit windows of other runs never count. */
const addr = () => `10.${randomBytes(3).join('.')}`;

/**
 * Domain verification by a DNS TXT record (a real DNS server on loopback, Node's resolver) and IdP
 * discovery by email, on real Cassandra and Redis.
 */
describe('email domains: verification by DNS and IdP discovery', () => {
  const dns = new TestDnsServer();
  let env: TokenAdminEnv | undefined;
  let t: TestApp;
  let teams: TeamsHandler;

  beforeAll(async () => {
    await dns.start();
    const config = testConfig({
      'auth.keysFile': writeKeysFile(),
      'dns.servers': [dns.address],
      'rateLimits.loginPerAddress.limit': 100_000,
      'rateLimits.discoveryPerAddress.limit': 5,
    });
    ({ t, teams } = env = await startTokenAdmin(config));
  });
  afterAll(async () => {
    await env?.close();
    await dns.stop();
  });

  async function owner(role: 'owner' | 'member' = 'owner'): Promise<{ team: TeamId; token: string }> {
    const email = `${randomUUID()}@example.com`;
    const { team } = await teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    let login = email;
    if (role === 'member') {
      login = `${randomUUID()}@example.com`;
      await teams.addMember(team, { email: login, password: PASSWORD, role: 'member' });
    }
    const r = await t.app.inject({ method: 'POST', url: '/login', payload: { email: login, password: PASSWORD } });
    expect(r.statusCode, r.body).toBe(200);
    return { team, token: r.json().access_token as string };
  }

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token?: string, payload?: unknown, remoteAddress = '10.0.0.1') =>
    t.app.inject({ method, url, payload: payload as object, remoteAddress, headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function idpOf(team: TeamId) {
    const spar = cassandraSparStores(env!.db, systemClock);
    const id = newIdpId();
    await spar.idps.insert({
      id,
      team,
      issuer: `https://idp.example.com/${id}`,
      requestUri: 'https://idp.example.com/sso',
      certs: [
        '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo>',
      ],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: 'IdP',
      domain: null,
    });
    return id;
  }

  /** Challenge, TXT record, verify: the domain is the team's. */
  async function prove(token: string, domain: string) {
    const c = await call('POST', `/domain-verification/${domain}/challenges`, token);
    expect(c.statusCode, c.body).toBe(200);
    dns.setTxt(c.json().dns_record.name, [['some-other=record'], [c.json().dns_record.value]]);
    return call('POST', `/domain-verification/${domain}/verify`, token);
  }

  const discover = (email: string, ip: string) => call('POST', '/get-domain-registration', undefined, { email }, ip);

  it('proves a domain with the challenge TXT record; one domain belongs to one team', async () => {
    const a = await owner();
    const b = await owner();
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const c = await call('POST', `/domain-verification/${domain.toUpperCase()}./challenges`, a.token);
    expect(c.json()).toMatchObject({ domain, status: 'pending', dns_record: { type: 'TXT', name: `_wire-challenge.${domain}` } });
    expect((await call('POST', `/domain-verification/${domain}/challenges`, a.token)).json().dns_record.value).toBe(
      c.json().dns_record.value,
    );
    const early = await call('POST', `/domain-verification/${domain}/verify`, a.token);
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({ label: 'domain-verification-failed' });
    // Team B's own challenge has another value: A's record proves nothing for B.
    const bc = await call('POST', `/domain-verification/${domain}/challenges`, b.token);
    expect(bc.json().dns_record.value).not.toBe(c.json().dns_record.value);
    dns.setTxt(c.json().dns_record.name, [[c.json().dns_record.value]]);
    expect((await call('POST', `/domain-verification/${domain}/verify`, b.token)).json()).toMatchObject({
      label: 'domain-verification-failed',
    });
    const ok = await call('POST', `/domain-verification/${domain}/verify`, a.token);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ domain, status: 'verified', idp: null });
    dns.setTxt(c.json().dns_record.name, [[bc.json().dns_record.value]]);
    const taken = await call('POST', `/domain-verification/${domain}/verify`, b.token);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ label: 'domain-already-registered' });
    expect((await call('GET', '/domain-verification', a.token)).json().domains).toEqual([expect.objectContaining({ domain })]);
    expect((await call('GET', '/domain-verification', b.token)).json().domains).toEqual([]);
    // Released, the domain is free for B, whose record is now the one in DNS.
    expect((await call('DELETE', `/domain-verification/${domain}`, b.token)).statusCode).toBe(404);
    expect((await call('DELETE', `/domain-verification/${domain}`, a.token)).statusCode).toBe(204);
    expect((await call('POST', `/domain-verification/${domain}/verify`, b.token)).json()).toMatchObject({ status: 'verified' });
  });

  it('sends users to the IdP of the team that proved their domain, and says nothing about other domains', async () => {
    const a = await owner();
    const domain = `${randomUUID().slice(0, 8)}.example.net`;
    const ip = addr();
    expect((await prove(a.token, domain)).statusCode).toBe(200);
    const none = { domain_redirect: 'none' };
    // Verified, no IdP yet: the same answer as an unknown domain.
    const verifiedNoIdp = await discover(`alice@${domain}`, ip);
    const unknown = await discover(`alice@${randomUUID().slice(0, 8)}.example.net`, ip);
    expect([verifiedNoIdp.json(), unknown.json()]).toEqual([none, none]);
    expect(verifiedNoIdp.body).toBe(unknown.body);
    const idp = await idpOf(a.team);
    expect((await discover(`Alice@${domain.toUpperCase()}`, ip)).json()).toEqual({ domain_redirect: 'sso', sso_code: `wire-${idp}` });
    // Two IdPs: ambiguous until the admin picks one for the domain.
    const second = await idpOf(a.team);
    expect((await discover(`bob@${domain}`, ip)).json()).toEqual(none);
    const other = await owner();
    const foreign = await idpOf(other.team);
    expect((await call('PUT', `/domain-verification/${domain}/idp`, a.token, { idp: foreign })).statusCode).toBe(404);
    expect((await call('PUT', `/domain-verification/${domain}/idp`, a.token, { idp: second })).json()).toMatchObject({ idp: second });
    const ip2 = addr();
    expect((await discover(`carol@${domain}`, ip2)).json()).toEqual({ domain_redirect: 'sso', sso_code: `wire-${second}` });
  });

  it('rate-limits discovery per client address (429, Retry-After), without touching other addresses', async () => {
    const ip = addr();
    for (let i = 0; i < 5; i++) expect((await discover(`x${i}@example.com`, ip)).statusCode).toBe(200);
    const limited = await discover('x@example.com', ip);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await discover('x@example.com', addr())).statusCode).toBe(200);
  });

  it('refuses bad input with labels, and members who are not admins', async () => {
    const a = await owner();
    for (const bad of ['localhost', 'a..b', 'x_y.com', '%00.com']) {
      const r = await call('POST', `/domain-verification/${encodeURIComponent(bad)}/challenges`, a.token);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().label, bad).toBe('invalid-domain');
    }
    expect((await call('POST', '/domain-verification/never-challenged.example.com/verify', a.token)).statusCode).toBe(404);
    expect((await call('PUT', '/domain-verification/never.example.com/idp', a.token, { idp: 'nope' })).statusCode).toBe(400);
    expect((await call('POST', '/get-domain-registration', undefined, { email: 42 }, addr())).statusCode).toBe(400);
    expect((await call('POST', '/domain-verification/x.example.com/challenges')).statusCode).toBe(401);
    const member = await owner('member');
    expect((await call('POST', '/domain-verification/x.example.com/challenges', member.token)).statusCode).toBe(403);
  });

  it('answers 503 when DNS does not answer, never a false "not verified"', async () => {
    const a = await owner();
    const domain = `${randomUUID().slice(0, 8)}.example.com`;
    await call('POST', `/domain-verification/${domain}/challenges`, a.token);
    await dns.stop();
    const r = await call('POST', `/domain-verification/${domain}/verify`, a.token);
    expect(r.statusCode, r.body).toBe(503);
    expect(r.json().message).toMatch(/DNS lookup of _wire-challenge\..* failed/);
  }, 30_000);
});
