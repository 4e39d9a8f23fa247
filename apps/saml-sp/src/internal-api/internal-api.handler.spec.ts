import { describe, expect, it } from 'vitest';
import { newIdpId, newTeamId } from '@sso/domain';
import { type IdpRecord, openStores } from '@sso/persistence';
import { InternalApiHandler } from './internal-api.handler';

const cassandraUnused = { contactPoints: [] } as never;

describe('DELETE /i/teams/:team (memory stores)', () => {
  it("releases the team's multi-ingress domain claims with its IdPs, and leaves other teams' alone", async () => {
    const { stores } = openStores({ backend: 'memory', cassandra: cassandraUnused, loginCacheSeconds: 0 });
    const handler = new InternalApiHandler(
      stores.spar,
      stores.identity,
      stores.idpMetadataSources,
      stores.idpLoginOptions,
      stores.idpDomains,
    );
    const now = new Date();
    const idp = (team: ReturnType<typeof newTeamId>, domain: string): IdpRecord => ({
      id: newIdpId(),
      team,
      issuer: `https://idp.example/${team}`,
      requestUri: 'https://idp.example/sso',
      certs: ['<ds:KeyInfo/>'],
      apiVersion: 2,
      oldIssuers: [],
      replacedBy: null,
      handle: 'IdP',
      domain,
    });
    const [gone, kept] = [newTeamId(), newTeamId()];
    const a = idp(gone, 'a.example');
    const b = idp(kept, 'a.example');
    for (const r of [a, b]) {
      await stores.spar.idps.insert(r);
      expect(await stores.idpDomains.claim(r.team, 'a.example', r.id, now)).toBeNull();
    }

    await handler.deleteTeam(gone);

    expect(await stores.spar.idps.listByTeam(gone)).toEqual([]);
    // Free again for the deleted team; still held by the other team's IdP.
    expect(await stores.idpDomains.claim(gone, 'a.example', newIdpId(), now)).toBeNull();
    expect((await stores.idpDomains.claim(kept, 'a.example', newIdpId(), now))?.idp).toBe(b.id);
  });
});
