import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdpId, TeamId } from '@sso/domain';
import { TestIdp, makeTestKey } from '@sso/testing';
import { SamlHarness, titleOf } from './harness';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3'; // Debian's, not a pyenv shim without the Debian modules
const SCRIPT = path.join(__dirname, 'pysaml2-idp.py');

/** pysaml2 and xmlsec1 from Debian; installed here when missing and running as root. */
async function ensurePysaml2(): Promise<void> {
  const present = async () => {
    try {
      await run(PYTHON, ['-c', 'import saml2']);
      await run('xmlsec1', ['--version']);
      return true;
    } catch {
      return false;
    }
  };
  if (await present()) return;
  if (process.getuid?.() !== 0) throw new Error('python3-pysaml2 and xmlsec1 are missing: apt-get install python3-pysaml2 xmlsec1');
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-pysaml2', 'xmlsec1'], { timeout: 300_000 });
  await install().catch(async () => {
    await run('apt-get', ['update'], { timeout: 300_000 });
    await install();
  });
  if (!(await present())) throw new Error('installing python3-pysaml2 and xmlsec1 did not work');
}

function pysaml2(args: string[], stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`pysaml2 IdP failed (${code}): ${err}`))));
    p.stdin.end(stdin);
  });
}

/** An independent IdP (Python, libxml2 and xmlsec1) against our SP: the real protocol both ways. */
describe('login with a real IdP (pysaml2 + xmlsec1)', () => {
  const h = new SamlHarness();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pysaml2-'));
  let team: TeamId;
  let idpId: IdpId;
  let issuer: string;

  beforeAll(async () => {
    await ensurePysaml2();
    await h.start();
    const key = await makeTestKey('pysaml2-idp');
    fs.writeFileSync(path.join(work, 'idp.key'), key.keyPem);
    fs.writeFileSync(path.join(work, 'idp.crt'), key.certPem);
    const idp = new TestIdp(key);
    issuer = idp.issuer;
    const t = await h.newTeam();
    team = t.team;
    idpId = await h.createIdp(t.token, idp);
    const md = await h.inject('GET', `/sso/metadata/${team}`);
    fs.writeFileSync(path.join(work, 'sp.xml'), md.body);
  }, 300_000);
  afterAll(async () => {
    await h.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function login(nameId: string, app = h, flags: string[] = []): Promise<string> {
    const page = await app.inject('GET', `/sso/initiate-login/${idpId}`);
    const samlRequest = /name="SAMLRequest" type="hidden" value="([^"]+)"/.exec(page.body)![1];
    return pysaml2([work, issuer, nameId, ...flags], samlRequest);
  }

  it('accepts the IdP response to our AuthnRequest and starts a session', async () => {
    const response = await login('real.idp@example.com');
    const xml = Buffer.from(response, 'base64').toString();
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const r = await h.finalize(team, response, { raw: true });
    expect(titleOf(r.body), r.body.slice(0, 300)).toBe('wire:sso:success');
    const row = await h.spar.samlUsers.get(issuer, 'real.idp@example.com');
    expect(await h.identity.cookies.listByUser(row!.uid)).toHaveLength(1);

    const replay = await h.finalize(team, response, { raw: true });
    expect(titleOf(replay.body)).toBe('wire:sso:error:forbidden');
    expect(replay.headers['set-cookie']).toBeUndefined();
  });

  it('signs AuthnRequests with a configured SP key: an IdP that wants signed requests accepts them', async () => {
    const spKey = await makeTestKey('sp');
    fs.writeFileSync(path.join(work, 'sp.key'), spKey.keyPem);
    fs.writeFileSync(path.join(work, 'sp.crt'), spKey.certPem);
    const signing = await new SamlHarness({ 'saml.spKeyFile': path.join(work, 'sp.key'), 'saml.spCertFile': path.join(work, 'sp.crt') }).start();
    try {
      const md = await signing.inject('GET', `/sso/metadata/${team}`);
      expect(md.body).toContain('AuthnRequestsSigned="true"');
      expect(md.body).toContain(spKey.certBase64);
      fs.writeFileSync(path.join(work, 'sp.xml'), md.body);
      const response = await login('signed.requests@example.com', signing, ['want-signed-requests']);
      expect(titleOf((await signing.finalize(team, response, { raw: true })).body)).toBe('wire:sso:success');
      // The same IdP refuses our unsigned requests.
      await expect(login('signed.requests@example.com', h, ['want-signed-requests'])).rejects.toThrow(/IncorrectlySigned/);
    } finally {
      await signing.stop();
      fs.writeFileSync(path.join(work, 'sp.xml'), (await h.inject('GET', `/sso/metadata/${team}`)).body);
    }
  });

  it('decrypts what pysaml2 encrypts with AES-GCM to our metadata key, and refuses its default tripledes-cbc', async () => {
    const spKey = await makeTestKey('sp-enc');
    fs.writeFileSync(path.join(work, 'sp-enc.key'), spKey.keyPem);
    fs.writeFileSync(path.join(work, 'sp-enc.crt'), spKey.certPem);
    const keyed = await new SamlHarness({ 'saml.spKeyFile': path.join(work, 'sp-enc.key'), 'saml.spCertFile': path.join(work, 'sp-enc.crt') }).start();
    try {
      // pysaml2 takes the encryption certificate from our metadata (KeyDescriptor use="encryption").
      fs.writeFileSync(path.join(work, 'sp.xml'), (await keyed.inject('GET', `/sso/metadata/${team}`)).body);
      const gcm = await login('encrypted.gcm@example.com', keyed, ['encrypt-gcm']);
      const gcmXml = Buffer.from(gcm, 'base64').toString();
      expect(gcmXml).toContain('http://www.w3.org/2009/xmlenc11#aes256-gcm');
      expect(gcmXml).not.toMatch(/<(\w+:)?Assertion[\s>]/);
      expect(gcmXml).toMatch(/<(\w+:)?Signature[\s\S]*EncryptedAssertion/); // the Response is signed too
      const ok = await keyed.finalize(team, gcm, { raw: true });
      expect(titleOf(ok.body), ok.body.slice(0, 300)).toBe('wire:sso:success');
      const row = await keyed.spar.samlUsers.get(issuer, 'encrypted.gcm@example.com');
      expect(await keyed.identity.cookies.listByUser(row!.uid)).toHaveLength(1);

      const cbc = await login('encrypted.cbc@example.com', keyed, ['encrypt']);
      expect(Buffer.from(cbc, 'base64').toString()).toContain('http://www.w3.org/2001/04/xmlenc#tripledes-cbc');
      const refused = await keyed.finalize(team, cbc, { raw: true });
      expect(refused.statusCode).toBe(400);
      expect(titleOf(refused.body)).toBe('wire:sso:error:bad-response-saml');
      expect(refused.headers['set-cookie']).toBeUndefined();
      expect(await keyed.spar.samlUsers.get(issuer, 'encrypted.cbc@example.com')).toBeNull();
    } finally {
      await keyed.stop();
      fs.writeFileSync(path.join(work, 'sp.xml'), (await h.inject('GET', `/sso/metadata/${team}`)).body);
    }
  });

  it("refuses the IdP's response at another team's ACS", async () => {
    const response = await login('real.idp@example.com');
    const other = await h.newTeam();
    const r = await h.finalize(other.team, response, { raw: true });
    expect(r.statusCode).toBe(404);
    expect(titleOf(r.body)).toBe('wire:sso:error:not-found');
    expect(r.headers['set-cookie']).toBeUndefined();
  });
});
