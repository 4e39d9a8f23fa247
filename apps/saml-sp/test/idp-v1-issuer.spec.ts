import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdp } from '@sso/testing';
import { SamlHarness } from './harness';

/** A v1 issuer is unique on the whole instance: claimed in `issuer_idp` with an LWT (real Cassandra). */
describe('v1 IdP issuer uniqueness across teams', () => {
  const h = new SamlHarness();
  beforeAll(async () => {
    await h.start();
  });
  afterAll(() => h.stop());

  for (let round = 1; round <= 3; round++) {
    it(`concurrent v1 uploads of one issuer from three teams: exactly one wins, no orphan rows (round ${round})`, async () => {
      const idp = await TestIdp.create();
      const teams = await Promise.all([h.newTeam(), h.newTeam(), h.newTeam()]);
      const answers = await Promise.all(
        teams.map((t) =>
          h.inject('POST', '/identity-providers?api_version=v1', {
            token: t.token,
            body: idp.metadata(),
            headers: { 'content-type': 'application/xml' },
          }),
        ),
      );
      const won = answers.filter((r) => r.statusCode === 201);
      expect(won, answers.map((r) => r.body).join('\n')).toHaveLength(1);
      for (const r of answers.filter((a) => a.statusCode !== 201)) {
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json()).toMatchObject({ code: 400, label: 'idp-already-in-use' });
      }
      const winner = won[0].json() as { id: string; extraInfo: { team: string } };
      expect((await h.spar.idps.findByIssuer(idp.issuer)).map((i) => i.id)).toEqual([winner.id]);
      for (const t of teams) {
        const mine = await h.spar.idps.listByTeam(t.team);
        expect(mine.map((i) => i.id)).toEqual(t.team === winner.extraInfo.team ? [winner.id] : []);
        if (t.team !== winner.extraInfo.team) expect(await h.spar.idps.getByIssuerAndTeam(idp.issuer, t.team)).toBeNull();
      }
    });
  }

  it('a v1 issuer freed by deletion can be uploaded by another team; a v2 upload of a v1 issuer is refused', async () => {
    const idp = await TestIdp.create();
    const a = await h.newTeam();
    const b = await h.newTeam();
    const first = await h.createIdp(a.token, idp, '?api_version=v1');
    const clash = await h.inject('POST', '/identity-providers?api_version=v1', {
      token: b.token,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(clash.json().label).toBe('idp-already-in-use');
    const mixed = await h.inject('POST', '/identity-providers?api_version=v2', {
      token: b.token,
      body: idp.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(mixed.statusCode).toBe(409);
    expect((await h.inject('DELETE', `/identity-providers/${first}`, { token: a.token })).statusCode).toBe(204);
    await h.createIdp(b.token, idp, '?api_version=v1');
  });

  it('a v1 IdP moved to a new issuer by PUT frees the old one and holds the new one', async () => {
    const a = await h.newTeam();
    const b = await h.newTeam();
    const before = await TestIdp.create();
    const after = new TestIdp(before.key);
    const id = await h.createIdp(a.token, before, '?api_version=v1');
    const put = await h.inject('PUT', `/identity-providers/${id}`, {
      token: a.token,
      body: after.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const taken = await h.inject('POST', '/identity-providers?api_version=v1', {
      token: b.token,
      body: after.metadata(),
      headers: { 'content-type': 'application/xml' },
    });
    expect(taken.json().label).toBe('idp-already-in-use');
    await h.createIdp(b.token, before, '?api_version=v1');
  });
});
