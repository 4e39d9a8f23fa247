import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@sso/config';
import type { IdpId, TeamId } from '@sso/domain';
import { type ActivityStore, CassandraIdpMetadataSourceStore, type IdpMetadataSourceStore, queryActivity } from '@sso/persistence';
import { ACTIVITY_RECORDER, ACTIVITY_STORE, type ActivityRecorder } from '@sso/platform';
import { type TestHttpsServer, TestIdp, makeTestKey, startTestHttpsServer, testConfig } from '@sso/testing';
import { IdpMetadataRefresher } from '../src/refresh-idp-metadata/idp-metadata-refresher';
import { SamlHarness, titleOf } from './harness';

/** Metadata with the given certificates and extra attributes on EntityDescriptor. */
const metadataWith = (idp: TestIdp, certs: string[], attrs = '') =>
  idp.metadata(certs).replace(`entityID="${idp.issuer}"`, `entityID="${idp.issuer}"${attrs}`);

describe('IdP metadata from a URL (local HTTPS server, loopback allowed by config)', () => {
  let server: TestHttpsServer;
  let h: SamlHarness;
  let sources: IdpMetadataSourceStore;
  let refresher: IdpMetadataRefresher;
  let base: string;

  beforeAll(async () => {
    server = await startTestHttpsServer();
    base = `https://127.0.0.1:${server.port}`;
    h = new SamlHarness({ 'saml.metadataAllowLoopback': true, 'saml.metadataCaFile': server.caFile });
    await h.start();
    sources = new CassandraIdpMetadataSourceStore(h.db);
    refresher = h.t.app.get(IdpMetadataRefresher);
  });
  afterAll(async () => {
    await h?.stop();
    await server?.close();
  });

  const createFromUrl = (token: string, url: string) => h.inject('POST', '/identity-providers', { token, body: { url } });
  const login = async (team: TeamId, id: IdpId, signer: TestIdp) =>
    titleOf(
      (await h.finalize(team, signer.response({ sp: h.sp(team), requestId: await h.initiate(id), nameId: 'url.user@example.com' }).xml))
        .body,
    );

  it('loopback stays refused unless configured, and the switch cannot be turned on in production', () => {
    expect(testConfig().saml.metadataAllowLoopback).toBe(false);
    expect(() =>
      loadConfig({ env: { APP_ENV: 'production', SAML_METADATA_ALLOW_LOOPBACK: 'true', ACCESS_TOKEN_KEYS_FILE: '/k.json' } }),
    ).toThrow(/metadataAllowLoopback/);
  });

  it('documents {"url"} in OpenAPI, with an example, for POST and PUT', async () => {
    const doc = (await h.inject('GET', '/api-docs/saml-sp/openapi.json')).json();
    expect(doc.components.schemas.IdpMetadataUrlDto.properties.url).toMatchObject({
      type: 'string',
      example: expect.stringMatching(/^https:\/\//),
    });
    for (const op of [doc.paths['/identity-providers'].post, doc.paths['/identity-providers/{id}'].put]) {
      expect(JSON.stringify(op.requestBody)).toContain('#/components/schemas/IdpMetadataUrlDto');
      expect(JSON.stringify(op.requestBody)).toContain('federationmetadata.xml');
    }
  });

  it('registers an IdP from a URL: fetched metadata, raw copy and a refresh source', async () => {
    const { team, token } = await h.newTeam();
    const idp = await TestIdp.create();
    server.serve(idp.metadata());
    const r = await createFromUrl(token, `${base}/federationmetadata.xml`);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().metadata).toEqual({
      issuer: idp.issuer,
      requestURI: idp.ssoUrl,
      certAuthnResponse: [expect.stringContaining(idp.key.certBase64)],
    });
    const id = r.json().id as IdpId;
    expect((await h.inject('GET', `/identity-providers/${id}/raw`, { token })).body).toBe(idp.metadata());
    expect(await sources.get(id)).toMatchObject({
      idp: id,
      team,
      url: `${base}/federationmetadata.xml`,
      lastError: null,
      appliedAt: expect.any(Date),
    });
    const source = {
      url: `${base}/federationmetadata.xml`,
      checkedAt: expect.any(String),
      appliedAt: expect.any(String),
      validUntil: null,
      lastError: null,
    };
    expect(r.json().extraInfo.metadataSource).toEqual(source);
    expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo.metadataSource).toEqual(source);
    expect((await h.inject('GET', '/identity-providers', { token })).json().providers[0].extraInfo.metadataSource).toEqual(source);
    expect(await login(team, id, idp)).toBe('wire:sso:success');

    // Uploaded XML ends the URL source; a URL by PUT starts it again; delete removes it.
    const put = await h.inject('PUT', `/identity-providers/${id}`, {
      token,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await sources.get(id)).toBeNull();
    expect(put.json().extraInfo).not.toHaveProperty('metadataSource');
    const putUrl = await h.inject('PUT', `/identity-providers/${id}`, { token, body: { url: `${base}/again.xml` } });
    expect(putUrl.statusCode, putUrl.body).toBe(200);
    expect((await sources.get(id))?.url).toBe(`${base}/again.xml`);
    await h.bindUser(team, idp.issuer, 'nobody'); // purge path
    expect((await h.inject('DELETE', `/identity-providers/${id}?purge=true`, { token })).statusCode).toBe(204);
    expect(await sources.get(id)).toBeNull();
  });

  it.each([
    ['http URL', () => `http://127.0.0.1:${server.port}/md`, /only https/],
    ['private address', () => 'https://10.255.255.1/md', /private address 10\.255\.255\.1/],
    ['link-local (cloud metadata) address', () => 'https://169.254.169.254/latest', /link-local/],
    ['IPv4-mapped IPv6 private address', () => 'https://[::ffff:192.168.1.1]/md', /private/],
  ])('refuses a %s before any request', async (_name, url, why) => {
    const { token } = await h.newTeam();
    const r = await createFromUrl(token, url());
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().label).toBe('invalid-metadata');
    expect(r.json().message).toMatch(why);
  });

  it('refuses oversize, malformed, DOCTYPE and expired metadata, and bodies that are neither XML nor {value} nor {url}', async () => {
    const { token } = await h.newTeam();
    const idp = await TestIdp.create();
    const cases: Array<[string, RegExp]> = [
      [idp.metadata().replace('</md:EntityDescriptor>', `<!--${'x'.repeat(600 * 1024)}--></md:EntityDescriptor>`), /larger than/],
      ['<md:EntityDescriptor', /malformed|root/],
      [`<!DOCTYPE md [<!ENTITY x "y">]>${idp.metadata()}`, /DOCTYPE/],
      [metadataWith(idp, [idp.key.certBase64], ' validUntil="2020-01-01T00:00:00Z"'), /validUntil 2020-01-01T00:00:00.000Z has passed/],
    ];
    for (const [body, why] of cases) {
      server.serve(body);
      const r = await createFromUrl(token, `${base}/md`);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().label).toBe('invalid-metadata');
      expect(r.json().message).toMatch(why);
    }
    for (const body of [{ url: 5 }, { url: `${base}/md`, value: idp.metadata() }, { url: `https://x/${'a'.repeat(2100)}` }]) {
      const r = await h.inject('POST', '/identity-providers', { token, body });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().label).toBe('invalid-metadata');
    }
  });

  it('refresh: a rolled-over key works once published, a removed key stops working, expired or foreign metadata is not applied', async () => {
    const { team, token } = await h.newTeam();
    const keyA = await TestIdp.create();
    const keyB = new TestIdp(await makeTestKey('rolled'), keyA.issuer);
    const keyC = new TestIdp(await makeTestKey('never'), keyA.issuer);
    server.serve(metadataWith(keyA, [keyA.key.certBase64], ' validUntil="2099-01-01T00:00:00Z"'));
    const created = await createFromUrl(token, `${base}/rolling.xml`);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as IdpId;
    expect(await login(team, id, keyA)).toBe('wire:sso:success');
    expect(await login(team, id, keyB)).toBe('wire:sso:error:bad-response-signature');

    // The IdP publishes the next key next to the current one: both verify.
    server.serve(keyA.metadata([keyA.key.certBase64, keyB.key.certBase64]));
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: true, added: 1, removed: 0 });
    expect(await login(team, id, keyB)).toBe('wire:sso:success');
    expect(await login(team, id, keyA)).toBe('wire:sso:success');
    expect((await sources.get(id))?.validUntil).toBeNull();

    // The old key is withdrawn: only the new one verifies.
    server.serve(keyA.metadata([keyB.key.certBase64]));
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: true, added: 0, removed: 1 });
    expect(await login(team, id, keyA)).toBe('wire:sso:error:bad-response-signature');
    expect(await login(team, id, keyB)).toBe('wire:sso:success');
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: false, added: 0, removed: 0 });

    // Expired metadata (validUntil in the past) is not applied: the last good one stays.
    server.serve(metadataWith(keyC, [keyC.key.certBase64], ' validUntil="2021-06-01T00:00:00Z"'));
    const expired = await refresher.refresh(id);
    expect(expired).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/validUntil .* has passed/) });
    expect((await sources.get(id))?.lastError).toMatch(/has passed/);
    expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo.metadataSource.lastError).toMatch(/has passed/);
    expect(await login(team, id, keyC)).toBe('wire:sso:error:bad-response-signature');
    expect(await login(team, id, keyB)).toBe('wire:sso:success');

    // Neither is metadata naming another entity, nor an unreachable or malformed document.
    const other = await TestIdp.create();
    server.serve(other.metadata());
    expect(await refresher.refresh(id)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/entityID changed/) });
    server.serve('<!DOCTYPE x><x/>');
    expect(await refresher.refresh(id)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/DOCTYPE/) });
    const get = await h.inject('GET', `/identity-providers/${id}`, { token });
    expect(get.json().metadata.certAuthnResponse).toEqual([expect.stringContaining(keyB.key.certBase64)]);

    // Good metadata again clears the error.
    server.serve(keyA.metadata([keyB.key.certBase64]));
    expect(await refresher.refresh(id)).toMatchObject({ kind: 'applied' });
    expect((await sources.get(id))?.lastError).toBeNull();

    // The team's activity log: the creation by the admin, and the two refreshes that changed keys by the system.
    await h.t.app.get<ActivityRecorder>(ACTIVITY_RECORDER).flush();
    const log = (
      await queryActivity(h.t.app.get<ActivityStore>(ACTIVITY_STORE), team, {
        limit: 50,
        filter: { kinds: ['idp.created', 'idp.updated'] },
      })
    ).events;
    expect(log.map((e) => [e.kind, e.actor.type, e.subject?.id])).toEqual([
      ['idp.updated', 'system', id],
      ['idp.updated', 'system', id],
      ['idp.created', 'user', id],
    ]);
    expect(log.map((e) => e.detail)).toEqual([
      expect.stringMatching(/updated from its metadata URL \(1 certificate removed\)\.$/),
      expect.stringMatching(/updated from its metadata URL \(1 new certificate\)\.$/),
      expect.stringMatching(/was added/),
    ]);
  });

  it('refresh: the SSO binding follows the metadata (HTTP-Redirect when POST is gone, POST again when it is back)', async () => {
    const { token } = await h.newTeam();
    const idp = await TestIdp.create();
    const redirectOnly = idp.metadata().replace('bindings:HTTP-POST', 'bindings:HTTP-Redirect');
    server.serve(idp.metadata());
    const id = (await createFromUrl(token, `${base}/binding.xml`)).json().id as IdpId;
    expect((await h.inject('GET', `/sso/initiate-login/${id}`)).statusCode).toBe(200);

    server.serve(redirectOnly);
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: true, added: 0, removed: 0 });
    expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo.ssoBinding).toBe('HTTP-Redirect');
    const redirected = await h.inject('GET', `/sso/initiate-login/${id}`);
    expect([redirected.statusCode, String(redirected.headers.location).split('?')[0]]).toEqual([303, idp.ssoUrl]);
    expect((await h.inject('GET', `/identity-providers/${id}/raw`, { token })).body).toBe(redirectOnly);
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: false, added: 0, removed: 0 });

    server.serve(idp.metadata());
    expect(await refresher.refresh(id)).toEqual({ kind: 'applied', changed: true, added: 0, removed: 0 });
    expect((await h.inject('GET', `/identity-providers/${id}`, { token })).json().extraInfo).not.toHaveProperty('ssoBinding');
    expect((await h.inject('GET', `/sso/initiate-login/${id}`)).statusCode).toBe(200);
  });

  it('one refresher at a time per IdP (lease), and a round skips IdPs checked recently', async () => {
    const { token } = await h.newTeam();
    const idp = await TestIdp.create();
    server.serve(idp.metadata());
    const created = await createFromUrl(token, `${base}/leased.xml`);
    const id = created.json().id as IdpId;
    expect(await sources.tryLease(id, 'another-replica', 30)).toBe(true);
    expect(await refresher.refresh(id)).toEqual({ kind: 'busy' });
    await sources.releaseLease(id, 'another-replica');
    const round = await refresher.refreshDue();
    expect(round.skipped).toBeGreaterThanOrEqual(1); // just registered: not due
    const checked = (await sources.get(id))?.checkedAt;
    await sources.recordAttempt(id, { checkedAt: new Date(Date.now() - 2 * 3600_000), lastError: null });
    await refresher.refreshDue();
    expect((await sources.get(id))!.checkedAt!.getTime()).toBeGreaterThan(checked!.getTime() - 1);
    expect((await sources.get(id))!.checkedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
