import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '@sso/auth';
import { systemClock } from '@sso/domain';
import { CassandraDb, cassandraIdentityStores } from '@sso/persistence';
import { TestIdp, b64, testConfig } from '@sso/testing';
import { TeamsHandler } from '../apps/token-admin/src/teams/teams.handler';
import { type GatewayStack, echoed, shell, startGatewayStack } from './gateway-stack';

/**
 * docs/walkthrough.md step 6 with curl through the gateway: the admin uploads IdP metadata, a user
 * starts the login, the IdP (in-process, signing with a key made now) posts the response, and the
 * session cookie it yields works at token-admin's /access.
 */
describe('SSO walk-through through the gateway', () => {
  let stack: GatewayStack;
  let db: CassandraDb;
  let env: NodeJS.ProcessEnv;
  let idp: TestIdp;
  let team: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-walk-'));

  beforeAll(async () => {
    const keysFile = path.join(work, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([generateKeyEntry('sso-walkthrough')]));
    const base = testConfig({ 'auth.keysFile': keysFile });
    stack = await startGatewayStack(base);
    db = new CassandraDb(base.cassandra);
    await db.connect();
    const admin = `${randomUUID()}@example.com`;
    const created = await new TeamsHandler(cassandraIdentityStores(db, systemClock), systemClock).createTeam({
      name: 'SSO walk-through',
      owner: { email: admin, password: 'walk through sso', name: 'Admin' },
    });
    team = created.team;
    idp = await TestIdp.create();
    fs.writeFileSync(path.join(work, 'metadata.xml'), idp.metadata());
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      WIRE_BACKEND: stack.backend,
      WIRE_ADMIN: admin,
      WIRE_PASSWD: 'walk through sso',
      WORK: work,
    };
  });

  afterAll(async () => {
    await stack?.close();
    await db?.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const sh = (script: string) => shell(script, env);

  it('uploads metadata, logs a user in over SAML, and the SSO cookie yields an access token', async () => {
    const setup = await sh(`
      export BEARER=$(curl -s -X POST --header 'Content-Type: application/json' \\
        -d '{"email":"'"$WIRE_ADMIN"'","password":"'"$WIRE_PASSWD"'"}' $WIRE_BACKEND/login'?persist=false' | jq -r .access_token)
      IDP=$(curl -s -X POST --header "Authorization: Bearer $BEARER" --header 'Content-Type: application/xml' \\
        --data-binary @"$WORK/metadata.xml" $WIRE_BACKEND/identity-providers | jq -r .id)
      echo "idp=$IDP"
      curl -s $WIRE_BACKEND/sso/initiate-login/$IDP > "$WORK/form.html"
      sed -n 's/.*name="SAMLRequest" type="hidden" value="\\([^"]*\\)".*/\\1/p' "$WORK/form.html" | base64 -d | sed -n 's/.* ID="\\([^"]*\\)".*/\\1/p'
    `);
    const lines = setup.trim().split('\n');
    const idpId = lines[0].slice(4);
    const requestId = lines[1];
    expect(idpId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId).toMatch(/^_[0-9a-f-]{36}$/);

    const acs = `http://localhost:8080/sso/finalize-login/${team}`;
    fs.writeFileSync(path.join(work, 'response.b64'), b64(idp.response({ sp: acs, requestId, nameId: 'walker@example.com' }).xml));
    const out = await sh(`
      curl -s -D "$WORK/headers.txt" -o "$WORK/page.html" --data-urlencode SAMLResponse@"$WORK/response.b64" $WIRE_BACKEND/sso/finalize-login/${team}
      echo "title=$(sed -n 's/.*<title>\\([^<]*\\)<\\/title>.*/\\1/p' "$WORK/page.html")"
      COOKIE=$(grep -i '^set-cookie: zuid=' "$WORK/headers.txt" | sed 's/^[^:]*: \\(zuid=[^;]*\\).*/\\1/')
      ACCESS=$(curl -s -X POST --cookie "$COOKIE" $WIRE_BACKEND/access | jq -r .access_token)
      echo "self=$(curl -s --header "Authorization: Bearer $ACCESS" $WIRE_BACKEND/self)"
    `);
    const line = (key: string) => echoed(out, key);
    expect(line('title')).toBe('wire:sso:success');
    expect(JSON.parse(line('self'))).toMatchObject({ team, name: 'walker@example.com' });
  });
});
