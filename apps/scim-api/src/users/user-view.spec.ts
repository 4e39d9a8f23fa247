import { describe, expect, it } from 'vitest';
import { type TeamId, type UserId, newUserRecord } from '@sso/domain';
import { NAMEID_FORMATS, brigSsoId } from '@sso/saml';
import { languageOf, present, synthesise, visibleIn } from './user-view';

const team = '00000000-0000-4000-8000-000000000001' as TeamId;
const id = '00000000-0000-4000-8000-0000000000aa' as UserId;
const sso = brigSsoId('https://idp.example.com', {
  value: 'Ann@Example.com',
  format: NAMEID_FORMATS.email,
  nameQualifier: null,
  spNameQualifier: null,
});

describe('who SCIM sees', () => {
  it('team members with an SSO identity or managed by SCIM, alive, of the token team', () => {
    const u = newUserRecord({ id, team, name: 'Ann', ssoId: sso });
    expect(visibleIn(team, u)).toBe(true);
    expect(visibleIn(team, { ...u, ssoId: JSON.stringify({ scim_external_id: 'x' }) })).toBe(true);
    expect(visibleIn(team, { ...u, ssoId: null, managedBy: 'scim' })).toBe(true);
    expect(visibleIn(team, { ...u, ssoId: null, email: 'owner@example.com' })).toBe(false);
    expect(visibleIn(team, { ...u, ssoId: 'not json' })).toBe(false);
    expect(visibleIn(team, { ...u, status: 'deleted' })).toBe(false);
    expect(visibleIn('00000000-0000-4000-8000-000000000002' as TeamId, u)).toBe(false);
  });
});

describe("spar's user shape", () => {
  const user = newUserRecord({ id, team, name: 'Ann', ssoId: sso });

  it('synthesises from brig: the id as userName without a handle, the NameID as externalId', () => {
    expect(synthesise(user)).toMatchObject({ userName: id, externalId: 'Ann@Example.com', displayName: 'Ann', active: true });
    expect(synthesise({ ...user, handle: 'ann', status: 'suspended' })).toMatchObject({ userName: 'ann', active: false });
  });

  it('roles: the role in the shape the client wrote, member by default', () => {
    expect(present({ externalId: 'e' }, user, null, 'en')['roles']).toEqual(['member']);
    expect(present({ roles: [] }, user, 'owner', 'en')['roles']).toEqual(['owner']);
    expect(present({ roles: ['member'] }, user, 'admin', 'en')['roles']).toEqual(['admin']);
    expect(present({ Roles: [{ Value: 'member', Primary: true, display: 'Member', type: 'wire' }] }, user, 'partner', 'en')).toEqual({
      Roles: [{ type: 'wire', primary: true, value: 'partner' }],
      preferredLanguage: 'en',
      active: true,
    });
  });

  it("active: brig's status, whatever the document says (pending invitations are inactive)", () => {
    expect(present({ active: true }, { ...user, status: 'pending-invitation' }, null, 'en')['active']).toBe(false);
    expect(present({ Active: false }, { ...user, status: 'active' }, null, 'en')['Active']).toBe(true);
    expect(present({}, { ...user, status: 'suspended' }, null, 'en')['active']).toBe(false);
  });

  it("preferredLanguage: the document's, brig's, else the default locale's language", () => {
    expect(present({ preferredLanguage: 'fr' }, user, null, 'de-CH')['preferredLanguage']).toBe('fr');
    expect(present({ preferredLanguage: null }, { ...user, language: 'it' }, null, 'de-CH')['preferredLanguage']).toBe('it');
    expect(present({}, user, null, 'DE-ch')['preferredLanguage']).toBe('de');
    expect(languageOf('en')).toBe('en');
  });

  it('emails: from an email-shaped externalId only when none are stored', () => {
    expect(present({ externalId: 'a@example.com' }, user, null, 'en')['emails']).toEqual([{ value: 'a@example.com' }]);
    expect(present({ externalId: 'a@example.com', emails: [] }, user, null, 'en')['emails']).toEqual([{ value: 'a@example.com' }]);
    expect(present({ externalId: 'a@example.com', emails: [{ value: 'b@example.com' }] }, user, null, 'en')['emails']).toEqual([
      { value: 'b@example.com' },
    ]);
    expect(present({ externalId: 'emp-1' }, user, null, 'en')).not.toHaveProperty('emails');
  });
});
