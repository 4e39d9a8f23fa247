import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdpId, TeamId } from '@sso/domain';
import { type TestKey, TestIdp, encryptResponse, encryptedElement, makeTestKey } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';

/** Logins through the ACS with encrypted assertions: the SP key pair from config decrypts them. */
describe('encrypted assertions at the ACS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-keys-'));
  let spKey: TestKey;
  let keyed: SamlHarness;
  let plain: SamlHarness;
  let idp: TestIdp;
  let team: TeamId;
  let idpId: IdpId;

  beforeAll(async () => {
    [spKey, idp] = await Promise.all([makeTestKey('sp'), TestIdp.create()]);
    fs.writeFileSync(path.join(dir, 'sp.key'), spKey.keyPem);
    fs.writeFileSync(path.join(dir, 'sp.crt'), spKey.certPem);
    keyed = await new SamlHarness({ 'saml.spKeyFile': path.join(dir, 'sp.key'), 'saml.spCertFile': path.join(dir, 'sp.crt') }).start();
    plain = await new SamlHarness().start();
    const t = await keyed.newTeam();
    team = t.team;
    idpId = await keyed.createIdp(t.token, idp);
  });
  afterAll(async () => {
    await keyed?.stop();
    await plain?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const encrypted = async (nameId: string, opts: Parameters<typeof encryptResponse>[2] = {}) =>
    encryptResponse(idp.response({ sp: keyed.sp(team), requestId: await keyed.initiate(idpId), nameId }).xml, spKey.certPem, opts);

  it('publishes the key for encryption with the algorithms it accepts', async () => {
    const md = await keyed.inject('GET', `/sso/metadata/${team}`);
    expect(md.body).toContain(
      `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${spKey.certBase64}<`,
    );
    expect(md.body).toContain('<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>');
    // Only the algorithms: ids and certificates are random and may spell "cbc" by chance.
    expect(md.body).not.toMatch(/Algorithm="[^"]*(cbc|rsa-1_5)[^"]*"/);
  });

  it('logs in with an encrypted signed assertion (AES-GCM, RSA-OAEP)', async () => {
    const r = await keyed.finalize(team, await encrypted('encrypted@example.com', { layout: 'sibling' }));
    expect(titleOf(r.body), r.body.slice(0, 300)).toBe('wire:sso:success');
    const row = await keyed.spar.samlUsers.get(idp.issuer, 'encrypted@example.com');
    expect(await keyed.identity.cookies.listByUser(row!.uid)).toHaveLength(1);
  });

  it('refuses a CBC-encrypted assertion: 400, no session, no user', async () => {
    const r = await keyed.finalize(team, await encrypted('cbc@example.com', { block: 'aes128-cbc' }));
    expect(r.statusCode).toBe(400);
    expect(titleOf(r.body)).toBe('wire:sso:error:bad-response-saml');
    expect(r.body).toContain('CBC block encryption is refused');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(await keyed.spar.samlUsers.get(idp.issuer, 'cbc@example.com')).toBeNull();
    expect(keyed.t.logs()).not.toMatch(/"level":50/);
  });

  it('refuses a tampered ciphertext with the generic decryption error and no session', async () => {
    const r = await keyed.finalize(team, await encrypted('tampered@example.com', { tamper: (p) => (p.data[40] ^= 1) }));
    expect(r.statusCode).toBe(400);
    expect(titleOf(r.body)).toBe('wire:sso:error:bad-response-saml');
    expect(r.body).toContain('the EncryptedAssertion cannot be decrypted');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(await keyed.spar.samlUsers.get(idp.issuer, 'tampered@example.com')).toBeNull();
  });

  it('without SP keys still refuses encrypted assertions, as spar', async () => {
    const r = await plain.finalize(team, await encrypted('nokey@example.com'));
    expect(r.statusCode).toBe(400);
    expect(titleOf(r.body)).toBe('wire:sso:error:bad-response-saml');
    expect(r.body).toContain('encrypted assertions are not supported');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  /** A response whose NameID the IdP encrypted (EncryptedID) before signing the assertion. */
  const encryptedNameId = async (nameId: string, opts: Parameters<typeof encryptResponse>[2] = {}) => {
    const r = idp.unsignedResponse({ sp: keyed.sp(team), requestId: await keyed.initiate(idpId), nameId });
    const xml = r.xml.replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, (id) => encryptedElement('EncryptedID', id, spKey.certPem, opts));
    return idp.sign(xml, r.assertionId);
  };

  it('logs in with an encrypted NameID, keyed by the decrypted value', async () => {
    const r = await keyed.finalize(team, await encryptedNameId('hidden@example.com'));
    expect(titleOf(r.body), r.body.slice(0, 300)).toBe('wire:sso:success');
    const row = await keyed.spar.samlUsers.get(idp.issuer, 'hidden@example.com');
    expect(await keyed.identity.cookies.listByUser(row!.uid)).toHaveLength(1);
  });

  it('refuses an encrypted NameID without SP keys or with a refused algorithm: 400, no session, no user', async () => {
    const nokey = await plain.finalize(team, await encryptedNameId('nokey-id@example.com'));
    expect(nokey.statusCode).toBe(400);
    expect(titleOf(nokey.body)).toBe('wire:sso:error:bad-response-saml');
    expect(nokey.body).toContain('encrypted NameIDs are not supported');
    const cbc = await keyed.finalize(team, await encryptedNameId('cbc-id@example.com', { block: 'aes256-cbc' }));
    expect(cbc.statusCode).toBe(400);
    expect(cbc.body).toContain('CBC block encryption is refused');
    for (const r of [nokey, cbc]) expect(r.headers['set-cookie']).toBeUndefined();
    expect(await keyed.spar.samlUsers.get(idp.issuer, 'cbc-id@example.com')).toBeNull();
  });
});
