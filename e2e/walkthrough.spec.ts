import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '@sso/auth';
import { type TeamId, systemClock } from '@sso/domain';
import { CassandraDb, CassandraScimUserDocStore, cassandraIdentityStores } from '@sso/persistence';
import { testConfig } from '@sso/testing';
import { type GatewayStack, echoed, shell, startGatewayStack } from './gateway-stack';

const TEAM_NAME = 'Walk-through';
/** The manual's fixed userNames: handles are unique installation-wide, so runs must free them. */
const MANUAL_HANDLES = ['rnick', 'newnick'];

/**
 * The administrator's manual, steps 1-4 (docs/walkthrough.md), as a shell session: the team is
 * made with the admin command, then curl and jq talk to the gateway exactly as the manual shows.
 */
describe("the admin manual's curl walk-through, through the gateway", () => {
  let db: CassandraDb;
  let stack: GatewayStack;
  let env: NodeJS.ProcessEnv;
  const admin = `${randomUUID()}@example.com`;
  const password = 'walk through the manual';

  beforeAll(async () => {
    const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([generateKeyEntry('walkthrough')]));
    const config = testConfig({ 'auth.keysFile': keysFile });
    db = new CassandraDb(config.cassandra);
    await db.connect();
    stack = await startGatewayStack(config);
    const ks = config.cassandra.keyspaces;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CASSANDRA_KEYSPACE_SPAR: ks.spar,
      CASSANDRA_KEYSPACE_BRIG: ks.brig,
      CASSANDRA_KEYSPACE_GALLEY: ks.galley,
      WIRE_BACKEND: stack.backend,
      WIRE_ADMIN: admin,
      WIRE_PASSWD: password,
    };
  });

  afterAll(async () => {
    await stack?.close();
    await db?.shutdown();
  });

  const sh = (script: string, extra: NodeJS.ProcessEnv = {}) => shell(script, { ...env, ...extra });

  /** The manual's handles, when an interrupted earlier run left them in one of its own teams. */
  async function freeLeftoverHandles(): Promise<void> {
    const { users, teams } = cassandraIdentityStores(db, systemClock);
    for (const handle of MANUAL_HANDLES) {
      const uid = await users.lookupHandle(handle);
      const user = uid ? await users.get(uid) : null;
      const team = user?.team ? await teams.getTeam(user.team as TeamId) : null;
      if (!uid || !user || team?.name !== TEAM_NAME) continue;
      await teams.removeMember(user.team as TeamId, uid);
      await new CassandraScimUserDocStore(db).delete(uid);
      await users.delete(uid);
      await users.releaseHandle(handle, uid);
    }
  }

  /** The manual's token section (tested above), leaving SCIM_TOKEN in the environment. */
  const LOGIN_AND_TOKEN = `
      export BEARER=$(curl -s -X POST \
        --header 'Content-Type: application/json' \
        --header 'Accept: application/json' \
        -d '{"email":"'"$WIRE_ADMIN"'","password":"'"$WIRE_PASSWD"'"}' \
        $WIRE_BACKEND/login'?persist=false' | jq -r .access_token)
      export SCIM_TOKEN_FULL=$(curl -s -X POST \
        --header "Authorization: Bearer $BEARER" \
        --header 'Content-Type: application/json;charset=utf-8' \
        -d '{ "description": "test '"\`date\`"'", "password": "'"$WIRE_PASSWD"'" }' \
        $WIRE_BACKEND/scim/auth-tokens)
      export SCIM_TOKEN=$(echo $SCIM_TOKEN_FULL | jq -r .token)
  `;

  it('creates the team with the admin command, then logs in, checks /self, creates, lists and deletes a SCIM token', async () => {
    const created = JSON.parse(
      await sh(
        `npm run --silent admin -- create-team --name "Walk-through" --owner-email "$WIRE_ADMIN" --owner-password "$WIRE_PASSWD" --owner-name Admin`,
      ),
    );
    expect(created).toEqual({ team: expect.any(String), owner: expect.any(String) });
    // The operator can see (and switch) the team's sso feature with the same command.
    expect(JSON.parse(await sh(`npm run --silent admin -- sso-feature --team ${created.team}`))).toEqual({ status: 'enabled' });

    const out = await sh(`
      export BEARER=$(curl -s -X POST \\
        --header 'Content-Type: application/json' \\
        --header 'Accept: application/json' \\
        -d '{"email":"'"$WIRE_ADMIN"'","password":"'"$WIRE_PASSWD"'"}' \\
        $WIRE_BACKEND/login'?persist=false' | jq -r .access_token)
      echo "self=$(curl -s -X GET --header "Authorization: Bearer $BEARER" $WIRE_BACKEND/self)"
      export SCIM_TOKEN_FULL=$(curl -s -X POST \\
        --header "Authorization: Bearer $BEARER" \\
        --header 'Content-Type: application/json;charset=utf-8' \\
        -d '{ "description": "test '"\`date\`"'", "password": "'"$WIRE_PASSWD"'" }' \\
        $WIRE_BACKEND/scim/auth-tokens)
      export SCIM_TOKEN=$(echo $SCIM_TOKEN_FULL | jq -r .token)
      export SCIM_TOKEN_ID=$(echo $SCIM_TOKEN_FULL | jq -r .info.id)
      echo "full=$SCIM_TOKEN_FULL"
      echo "list=$(curl -s -X GET --header "Authorization: Bearer $BEARER" $WIRE_BACKEND/scim/auth-tokens)"
      echo "delete=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE --header "Authorization: Bearer $BEARER" $WIRE_BACKEND/scim/auth-tokens?id=$SCIM_TOKEN_ID)"
      echo "after=$(curl -s -X GET --header "Authorization: Bearer $BEARER" $WIRE_BACKEND/scim/auth-tokens)"
    `);
    const line = (key: string) => echoed(out, key);

    expect(JSON.parse(line('self'))).toMatchObject({ id: created.owner, team: created.team, email: admin, name: 'Admin' });
    const full = JSON.parse(line('full'));
    expect(full.token).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(full.info).toMatchObject({ team: created.team, idp: null, description: expect.stringMatching(/^test /) });
    expect(JSON.parse(line('list')).tokens).toEqual([full.info]);
    expect(line('delete')).toBe('204');
    expect(JSON.parse(line('after'))).toEqual({ tokens: [] });
  });

  it("runs the manual's SCIM section verbatim: create, get, search (trailing slash, no -L), update, delete", async () => {
    await freeLeftoverHandles();
    const owner = { WIRE_ADMIN: `${randomUUID()}@example.com` };
    const team = JSON.parse(
      await sh(
        `npm run --silent admin -- create-team --name "${TEAM_NAME}" --owner-email "$WIRE_ADMIN" --owner-password "$WIRE_PASSWD" --owner-name Admin`,
        owner,
      ),
    );
    const manual = fs.readFileSync(path.join(__dirname, 'fixtures/admin-manual-scim.sh'), 'utf8');
    // -e stays off inside the manual's part: its curls print what they get, and the test reads it.
    const out = await sh(`${LOGIN_AND_TOKEN}\nset +e\n${manual}`, owner);
    // curl prints no newline after a body, so a marker may follow the body on its line.
    const parts = out.split(/--- ([a-z-]+)\n/);
    const section = (name: string) => {
      const i = parts.indexOf(name);
      expect(i, name).toBeGreaterThan(0);
      return (parts[i + 1] ?? '').trim();
    };
    const json = (name: string) => JSON.parse(section(name)) as Record<string, unknown>;

    const created = json('create');
    const id = created['id'] as string;
    const rich = {
      richInfo: {
        version: 0,
        fields: [
          { type: 'Department', value: 'Sales & Marketing' },
          { type: 'Favorite color', value: 'Blue' },
        ],
      },
    };
    expect(created).toMatchObject({
      userName: 'rnick',
      externalId: 'rnick@example.com',
      displayName: 'The Rich Nick',
      // The manual's token names no IdP and the team has none: the user is invited by mail and
      // stays inactive until it accepts (the manual says so of teams without SSO).
      active: false,
      'urn:wire:scim:schemas:profile:1.0': rich,
    });
    expect(json('get')).toEqual(created);
    // The manual's placeholders find nobody, and the answer is a list, not an empty 308.
    const empty = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    };
    expect(json('search-email')).toEqual(empty);
    expect(json('search-handle')).toEqual(empty);
    for (const name of ['search-email-stored', 'search-handle-stored'])
      expect(json(name)).toMatchObject({ totalResults: 1, Resources: [created] });
    // PUT: omitted fields are cleared (the rich info goes), the handle moves.
    const updated = json('update');
    expect(updated).toMatchObject({ id, userName: 'newnick', externalId: 'rnick@example.com', displayName: 'The New Nick' });
    expect((updated['urn:wire:scim:schemas:profile:1.0'] as typeof rich).richInfo.fields).toEqual([]);
    expect(section('delete')).toBe('');
    expect(json('get-deleted')).toMatchObject({ status: '404' });
    expect(await cassandraIdentityStores(db, systemClock).users.lookupHandle('newnick')).toBeNull();
    expect(team.team).toEqual(expect.any(String));
  });

  it('keeps internal routes off the gateway', async () => {
    expect(await sh('curl -s -o /dev/null -w "%{http_code}" -X POST $WIRE_BACKEND/i/teams -d "{}"')).toBe('404');
  });
});
