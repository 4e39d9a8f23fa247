import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimHarness, userBody } from './harness';

/**
 * The token-before-IdP trap and its way out, on real Cassandra: a user provisioned by a token
 * without IdP has an email identity that no SAML login matches; re-sending it (PUT, unchanged)
 * with a token bound to the IdP gives it the SAML identity, as spar's PUT does.
 */
describe('recovering users of an unbound SCIM token', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('an unchanged PUT through a token bound to the IdP binds the user to it; again is a no-op', async () => {
    const { team, token: unbound } = await h.team();
    const body = userBody();
    const created = await h.req('POST', '/scim/v2/Users', { token: unbound, body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const before = await h.identity.users.get(id as never);
    expect(JSON.parse(before!.ssoId!)).toEqual({ scim_external_id: body.externalId });

    // The admin adds the IdP afterwards, and a token bound to it.
    const issuer = `https://idp.example.com/${randomUUID()}`;
    const bound = await h.token(team, await h.idp(team, issuer));
    expect(await h.spar.samlUsers.get(issuer, String(body.externalId).toLowerCase())).toBeNull();

    const put = await h.req('PUT', `/scim/v2/Users/${id}`, { token: bound, body });
    expect(put.statusCode, put.body).toBe(200);
    expect((await h.spar.samlUsers.get(issuer, String(body.externalId).toLowerCase()))?.uid).toBe(id);
    const after = await h.identity.users.get(id as never);
    expect(JSON.parse(after!.ssoId!).tenant).toContain(issuer);
    // The SCIM document did not change, so neither does its version.
    expect(put.json().meta.version).toBe(created.json().meta.version);

    const again = await h.req('PUT', `/scim/v2/Users/${id}`, { token: bound, body });
    expect(again.statusCode).toBe(200);
    expect(again.json().meta.lastModified).toBe(put.json().meta.lastModified);
  });

  it("refuses passwords and bad roles with spar's texts, which clients match on", async () => {
    const { token } = await h.team();
    const detail = async (over: Record<string, unknown>) => {
      const r = await h.req('POST', '/scim/v2/Users', { token, body: userBody(over) });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().scimType).toBe('invalidValue');
      return r.json().detail as string;
    };
    expect(await detail({ password: 'hunter22' })).toBe('Setting user passwords is not supported for security reasons.');
    expect(await detail({ roles: ['admin', 'member'] })).toBe('A user cannot have more than one role.');
    expect(await detail({ roles: ['boss'] })).toBe("The role 'boss' is not valid. Valid roles are owner, admin, member, partner.");
    expect(await detail({ roles: [{ value: 'root' }] })).toBe(
      "The role 'root' is not valid. Valid roles are owner, admin, member, partner.",
    );
  });
});
