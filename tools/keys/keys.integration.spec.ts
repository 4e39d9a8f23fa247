// `npm run --silent keys -- access-token` prints a key file the apps load, and that signs and verifies.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenService, loadKeyRing } from '@sso/auth';
import { loadConfig } from '@sso/config';
import { type UserId, systemClock } from '@sso/domain';

const root = path.resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const keys = (...args: string[]) => spawnSync(npm, ['run', '--silent', 'keys', '--', ...args], { cwd: root, encoding: 'utf8' });

describe('npm run keys', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-cmd-'));

  it('access-token: prints a fresh key file that the app key loader reads and that signs and verifies access tokens', async () => {
    const [a, b] = [keys('access-token'), keys('access-token', '--kid', 'rotation-2027')];
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const [fa, fb] = [path.join(dir, 'a.json'), path.join(dir, 'b.json')];
    fs.writeFileSync(fa, a.stdout);
    fs.writeFileSync(fb, b.stdout);
    const parsed = JSON.parse(a.stdout);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(JSON.parse(b.stdout)[0].kid).toBe('rotation-2027');
    expect(a.stdout).not.toBe(b.stdout);

    // The file as the apps take it: ACCESS_TOKEN_KEYS_FILE, in production.
    const config = loadConfig({ env: { APP_ENV: 'production', ACCESS_TOKEN_KEYS_FILE: fa }, app: 'token-admin' });
    const tokens = new TokenService(loadKeyRing(config.auth.keysFile!), systemClock);
    const user = 'c0f9a4a6-0b8c-4f7e-9d51-3f3b9d7f0a11' as UserId;
    const token = await tokens.issueAccess(user);
    expect((await tokens.verifyAccess(token)).userId).toBe(user);
    // Another fresh key does not verify it: each run makes a new key.
    await expect(new TokenService(loadKeyRing(fb), systemClock).verifyAccess(token)).rejects.toThrow();
  });

  it('cursor-key: prints a fresh key the config accepts as scim.cursorKey', () => {
    const [a, b] = [keys('cursor-key'), keys('cursor-key')];
    expect(a.status).toBe(0);
    expect(a.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.stdout).not.toBe(b.stdout);
    expect(loadConfig({ env: { APP_ENV: 'production', SCIM_CURSOR_KEY: a.stdout.trim() }, app: 'scim-api' }).scim.cursorKey).toBe(
      a.stdout.trim(),
    );
  });

  it('refuses unknown commands and bad options with usage on stderr and exit 2', () => {
    for (const args of [[], ['nope'], ['access-token', '--kid', 'has space'], ['access-token', '--bogus'], ['cursor-key', 'extra']]) {
      const r = keys(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/usage: keys/);
    }
    expect(
      execFileSync(process.execPath, [path.join(root, 'dist/tools/keys/main.js'), 'cursor-key'], { encoding: 'utf8' }).trim(),
    ).toHaveLength(43);
  });
});
