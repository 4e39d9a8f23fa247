// Fresh secrets for an install, printed on stdout (nothing is written or kept):
//   npm run --silent keys -- access-token [--kid <kid>]   an access-token key file (ACCESS_TOKEN_KEYS_FILE, accessTokenKeys.keys)
//   npm run --silent keys -- cursor-key                   a SCIM cursor key (SCIM_CURSOR_KEY, scimCursorKey.value)
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateKeyEntry } from '@sso/auth';

const usage = 'usage: keys access-token [--kid <kid>] | keys cursor-key';

/** The key file with one new Ed25519 key, as JSON; the kid names the key's creation day by default. */
export function accessTokenKeyFile(kid = `key-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`): string {
  return `${JSON.stringify([generateKeyEntry(kid)], null, 2)}\n`;
}

/** 32 random bytes, base64url: well over the 16 characters the schema asks for. */
export function cursorKey(): string {
  return `${randomBytes(32).toString('base64url')}\n`;
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    if (command === 'access-token') {
      const { values } = parseArgs({ args: rest, options: { kid: { type: 'string' } }, strict: true });
      if (values.kid !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(values.kid)) throw new Error('--kid: 1-64 of [A-Za-z0-9._-]');
      process.stdout.write(accessTokenKeyFile(values.kid));
      return 0;
    }
    if (command === 'cursor-key') {
      parseArgs({ args: rest, options: {}, strict: true });
      process.stdout.write(cursorKey());
      return 0;
    }
    throw new Error(command ? `unknown command ${command}` : 'no command');
  } catch (e) {
    process.stderr.write(`keys: ${(e as Error).message}\n${usage}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
