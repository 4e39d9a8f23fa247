import { describe, expect, it } from 'vitest';
import { statusOf } from '@sso/domain';
import { ScimError } from '@sso/scim';
import { NAMEID_FORMATS, brigSsoId, nameIdXml, normalizeNameId, parseBrigSsoId } from '@sso/saml';
import { externalIdOf, samlIdentity, samlKeyOf, scimExternalSsoId } from './sso-identity';
import { pickEmail, reconcileRichInfo, statusFor, validateUser } from './user-input';

const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';
const opts = { richInfoLimit: 100, needsEmail: true };
const base = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Bob.S', externalId: 'bob@example.com' };

describe('validateUser (spar §5.3)', () => {
  it('derives the Wire fields and the canonical document', () => {
    const v = validateUser({ ...base, Active: 'false', preferredLanguage: 'EN', roles: [{ value: 'Admin' }], adreses: [] }, opts);
    expect(v.wire).toEqual({
      userName: 'Bob.S',
      handle: 'bob.s',
      externalId: 'bob@example.com',
      name: 'bob@example.com',
      email: 'bob@example.com',
      language: 'en',
      role: 'admin',
      active: false,
      richInfo: [],
    });
    expect(v.doc).not.toHaveProperty('adreses');
    expect(v.doc['schemas']).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', PROFILE, WIRE]);
  });

  it('defaults schemas, rejects passwords and broken values', () => {
    expect(validateUser({ userName: 'ab', externalId: 'x@y.org' }, opts).wire.handle).toBe('ab');
    for (const body of [
      { ...base, password: 'x' },
      { ...base, externalId: '' },
      { ...base, userName: 'a b' },
      { ...base, displayName: 'x'.repeat(129) },
      { ...base, roles: ['a', 'b'] },
      'text',
    ]) {
      expect(() => validateUser(body, opts)).toThrow(ScimError);
    }
    expect(() => validateUser({ ...base, externalId: 'no-email' }, opts)).toThrow(/externalId/);
    expect(validateUser({ ...base, externalId: 'no-email' }, { ...opts, needsEmail: false }).wire.email).toBeNull();
  });

  it('answers 413 for rich info above the limit', () => {
    expect(() => validateUser({ ...base, [WIRE]: { k: 'v'.repeat(100) } }, opts)).toThrow(
      expect.objectContaining({ code: 'payload-too-large' }),
    );
  });

  it('picks the primary address, else the first address', () => {
    expect(pickEmail({ emails: [{ value: 'a@x.org' }, { value: 'b@x.org', primary: true }] })).toBe('b@x.org');
    expect(pickEmail({ emails: [{ value: 'emailName357', primary: true }, { value: 'c@x.org' }] })).toBe('c@x.org');
    expect(pickEmail({})).toBeNull();
  });

  it('keeps suspended and active apart from pending and ephemeral users', () => {
    expect(statusFor('active', false)).toBe('suspended');
    expect(statusFor('suspended', true)).toBe('active');
    expect(statusFor('pending-invitation', false)).toBe('pending-invitation');
  });
});

describe('validateUser: hostile and careless input (POST, PUT and the result of a PATCH)', () => {
  const refused = (body: Record<string, unknown>) => {
    try {
      validateUser(body, opts);
    } catch (e) {
      expect(e).toBeInstanceOf(ScimError);
      expect(statusOf((e as ScimError).code)).toBe(400);
      expect((e as ScimError).scimType).toBe('invalidValue');
      return (e as ScimError).detail;
    }
    throw new Error('accepted');
  };

  it('refuses unsafe characters, naming the attribute', () => {
    expect(refused({ ...base, displayName: 'Bob\u0000' })).toMatch(/^Attribute 'displayName' contains a control character \(U\+0000\)/);
    expect(refused({ ...base, displayName: 'Bob\u0007' })).toMatch(/^Attribute 'displayName' contains a control character \(U\+0007\)/);
    expect(refused({ ...base, displayName: 'Bob\nSmith' })).toMatch(/^Attribute 'displayName'/);
    expect(refused({ ...base, displayName: 'Bob \u202Eevil' })).toMatch(
      /^Attribute 'displayName' contains a bidirectional control \(U\+202E\)/,
    );
    expect(refused({ ...base, displayName: 'Bob \uD83D' })).toMatch(/^Attribute 'displayName' contains a lone surrogate/);
    expect(refused({ ...base, externalId: 'bob@example.com\u0000' })).toMatch(/^Attribute 'externalId'/);
    expect(refused({ ...base, userName: 'bob\u0000' })).toMatch(/^Attribute 'userName'/);
    expect(refused({ ...base, [WIRE]: { 'k\u0000': 'v' } })).toContain(`'${WIRE}:k\\u0000'`);
  });

  it('an email with a NUL is refused, not taken for an address', () => {
    expect(pickEmail({ emails: [{ value: 'bob@example.com\u0000', primary: true }] })).toBeNull();
    expect(refused({ ...base, emails: [{ value: 'bob@example.com\u0000', primary: true }] })).toMatch(/^Attribute 'emails\[0\]\.value'/);
  });

  it('keeps names with accents, CJK and emoji, and stores them as sent (no normalisation)', () => {
    const decomposed = 'Zoe\u0308'; // NFD: kept so a client reading back sees what it wrote
    const v = validateUser({ ...base, displayName: `${decomposed} 山田 👩🏽‍💻`, name: { givenName: 'Zoë', familyName: 'Ñúñez' } }, opts);
    expect(v.wire.name).toBe(`${decomposed} 山田 👩🏽‍💻`);
    expect(v.doc['name']).toEqual({ givenName: 'Zoë', familyName: 'Ñúñez' });
  });

  it('caps multi-valued attributes at 100 values (cap passes, cap + 1 is refused)', () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `b${i}@example.com` }));
    expect(validateUser({ ...base, emails: emails(100) }, opts).doc['emails']).toHaveLength(100);
    expect(refused({ ...base, emails: emails(101) })).toBe("Attribute 'emails' takes at most 100 values, got 101");
    expect(refused({ ...base, phoneNumbers: emails(101) })).toContain("'phoneNumbers'");
  });
});

describe('reconcileRichInfo', () => {
  const before = {
    [PROFILE]: {
      richInfo: {
        version: 0,
        fields: [
          { type: 'b', value: '1' },
          { type: 'a', value: '2' },
        ],
      },
    },
    [WIRE]: { b: '1', a: '2' },
  };
  it('lets the changed map win and keeps the profile order', () => {
    const out = reconcileRichInfo(before, { ...before, [WIRE]: { a: '3', c: '4' } }) as Record<string, unknown>;
    expect(out[PROFILE]).toEqual({ richInfo: { version: 0, fields: [{ type: 'a', value: '3' }] } });
  });
  it('lets the changed profile win by dropping the stale map', () => {
    const out = reconcileRichInfo(before, { ...before, [PROFILE]: { richInfo: [{ type: 'z', value: '9' }] } }) as Record<string, unknown>;
    expect(out).not.toHaveProperty(WIRE);
  });
});

describe('SSO identities', () => {
  it('renders and parses spar sso_ids', () => {
    const s = samlIdentity('https://idp.example.com/<x>', 'Bob@Example.com');
    expect(s.subjectXml).toBe(
      '<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">Bob@Example.com</NameID>',
    );
    expect(samlKeyOf(s.ssoId)).toEqual({ issuer: 'https://idp.example.com/<x>', normalizedNameId: 'bob@example.com' });
    expect(samlIdentity('i', 'emp-1').subjectXml).toContain('nameid-format:unspecified');
    expect(samlKeyOf(scimExternalSsoId('x'))).toBeNull();
    expect(samlKeyOf('not json')).toBeNull();
    expect(samlKeyOf(null)).toBeNull();
  });

  it("writes the same sso_id text as the SSO login, ' included (libs/saml's helpers)", () => {
    const issuer = "https://idp.example.com/o'reilly&co";
    const nameId = { value: "o'brien@example.com", format: NAMEID_FORMATS.email, nameQualifier: null, spNameQualifier: null };
    const s = samlIdentity(issuer, nameId.value);
    expect(s.subjectXml).toBe(nameIdXml(nameId));
    expect(s.subjectXml).toContain('o&apos;brien@example.com');
    expect(s.ssoId).toBe(brigSsoId(issuer, nameId));
    expect(s.normalizedNameId).toBe(normalizeNameId(nameId));
    expect(samlKeyOf(s.ssoId)).toEqual({ issuer, normalizedNameId: "o'brien@example.com" });
    expect(externalIdOf(s.ssoId)).toBe("o'brien@example.com");
  });

  it("reads spar's sso_ids: numeric references, qualifiers, prefixes, the scim_external_id form", () => {
    const spar = JSON.stringify({
      tenant: '<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.com/a?b=1&amp;c=2</Issuer>',
      subject:
        '<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" NameQualifier=\'q&#39;1\'>O&#39;Neil&#x27;s &lt;id&gt;</saml:NameID>',
    });
    expect(parseBrigSsoId(spar)).toEqual({
      kind: 'saml',
      issuer: 'https://idp.example.com/a?b=1&c=2',
      nameId: { value: "O'Neil's <id>", format: NAMEID_FORMATS.persistent, nameQualifier: "q'1", spNameQualifier: null },
    });
    expect(externalIdOf(spar)).toBe("O'Neil's <id>");
    expect(parseBrigSsoId(scimExternalSsoId("x'y"))).toEqual({ kind: 'scim', externalId: "x'y" });
    for (const bad of [
      '[]',
      '{"tenant":"<Issuer>i</Issuer>"}',
      '{"tenant":"<Issuer>i</Issuer>","subject":"<NameID><x/></NameID>"}',
      '"s"',
      'null',
    ]) {
      expect(parseBrigSsoId(bad), bad).toBeNull();
    }
  });
});
