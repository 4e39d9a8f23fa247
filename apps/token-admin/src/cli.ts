// The operator's admin command:
//   npm run --silent admin -- create-team --name <name> --owner-email <email> --owner-password <pw> [--owner-name <name>]
//   npm run --silent admin -- add-member --team <uuid> --email <email> --role <owner|admin|member|partner> [--password <pw>] [--name <name>]
//   npm run --silent admin -- list-teams
//   npm run --silent admin -- sso-feature --team <uuid> [--set enabled|disabled]
//   npm run --silent admin -- validate-saml-emails --team <uuid> [--set enabled|disabled]
// Prints one JSON line on stdout and exits 0; errors go to stderr with a non-zero exit.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@sso/config';
import { DomainError, type Role, type TeamId, isUuid, systemClock, teamId } from '@sso/domain';
import { openStores } from '@sso/persistence';
import { TeamsHandler, ssoDefault, validateSamlEmailsDefault } from './teams/teams.handler';

const usage = `usage:
  admin create-team --name <name> --owner-email <email> --owner-password <password> [--owner-name <name>]
  admin add-member --team <team id> --email <email> --role <owner|admin|member|partner> [--password <password>] [--name <name>]
  admin list-teams
  admin sso-feature --team <team id> [--set <enabled|disabled>]
  admin validate-saml-emails --team <team id> [--set <enabled|disabled>]`;

async function run(argv: string[], teams: TeamsHandler): Promise<unknown> {
  const [command, ...rest] = argv;
  const opt = (options: Record<string, { type: 'string' }>) =>
    parseArgs({ args: rest, options, strict: true }).values as Record<string, string | undefined>;
  const need = (v: Record<string, string | undefined>, ...keys: string[]) => {
    const missing = keys.filter((k) => !v[k]);
    if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  };
  switch (command) {
    case 'create-team': {
      const v = opt({
        name: { type: 'string' },
        'owner-email': { type: 'string' },
        'owner-password': { type: 'string' },
        'owner-name': { type: 'string' },
      });
      need(v, 'name', 'owner-email', 'owner-password');
      return teams.createTeam({
        name: v.name!,
        owner: { email: v['owner-email']!, password: v['owner-password']!, name: v['owner-name'] },
      });
    }
    case 'add-member': {
      const v = opt({
        team: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
      });
      need(v, 'team', 'email', 'role');
      return teams.addMember(teamOption(v.team!), { email: v.email!, role: v.role as Role, password: v.password, name: v.name });
    }
    case 'list-teams': {
      opt({});
      const all: Array<{ id: string; name: string; creator: string }> = [];
      let cursor: string | null = null;
      do {
        const page = await teams.listTeams(cursor, 500);
        all.push(...page.items.map((t) => ({ id: t.id, name: t.name, creator: t.creator })));
        cursor = page.cursor;
      } while (cursor);
      return { teams: all };
    }
    case 'sso-feature': {
      const v = opt({ team: { type: 'string' }, set: { type: 'string' } });
      need(v, 'team');
      return v.set === undefined ? teams.ssoFeature(teamOption(v.team!)) : teams.setSsoFeature(teamOption(v.team!), v.set);
    }
    case 'validate-saml-emails': {
      const v = opt({ team: { type: 'string' }, set: { type: 'string' } });
      need(v, 'team');
      return v.set === undefined
        ? teams.validateSamlEmailsFeature(teamOption(v.team!))
        : teams.setValidateSamlEmailsFeature(teamOption(v.team!), v.set);
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

class UsageError extends Error {}

/** The `--team` option: a mistyped id is a usage error, not a lookup of a team that cannot exist. */
function teamOption(s: string): TeamId {
  if (!isUuid(s)) throw new UsageError(`--team: not a team id: ${JSON.stringify(s)}`);
  return teamId(s);
}

async function main(): Promise<number> {
  const config = loadConfigOrExit('admin');
  // The apps' composition root; no logins here, so no login caches.
  const root = openStores({
    backend: config.store.backend,
    cassandra: config.cassandra,
    loginCacheSeconds: 0,
    clock: systemClock,
    applicationName: 'admin',
  });
  if (root.backend === 'memory') process.stderr.write('admin: STORE_BACKEND is memory: the change lives only as long as this command\n');
  try {
    await root.connect();
  } catch (e) {
    process.stderr.write(
      `admin: Cassandra does not answer at ${config.cassandra.contactPoints.join(', ')} (${(e as Error).message}); is \`npm start\` running?\n`,
    );
    return 69;
  }
  try {
    const result = await run(
      process.argv.slice(2),
      new TeamsHandler(root.stores.identity, systemClock, ssoDefault(config), validateSamlEmailsDefault(config)),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`admin: ${(e as Error).message}\n${usage}\n`);
      return 64;
    }
    if (e instanceof DomainError) {
      process.stderr.write(`admin: ${e.code}: ${e.message}\n`);
      return 1;
    }
    if (/keyspace .* does not exist|unconfigured table/i.test((e as Error).message)) {
      process.stderr.write('admin: the schema is missing: run `npm run migrate` (or `npm start`) first\n');
      return 1;
    }
    throw e;
  } finally {
    await root.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`admin: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
