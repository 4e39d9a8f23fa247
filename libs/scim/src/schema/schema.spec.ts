import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json';
import { buildResourceTypes, buildSchemaResources, buildServiceProviderConfig } from './discovery';
import { allSchemas, groupResourceSchema, resourceSchemas, userResourceSchema } from './resource-schemas';
import { mergeRichInfo, renderRichInfo, richInfoSize } from './rich-info';
import { resolveAttribute } from './resolve';
import type { AttributeDefinition } from './types';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('schema definitions', () => {
  const all = (defs: readonly AttributeDefinition[]): AttributeDefinition[] => defs.flatMap((d) => [d, ...all(d.subAttributes ?? [])]);

  it('follow RFC 7643 on the characteristics clients rely on', () => {
    const r = (n: string) => resolveAttribute(userResourceSchema, n);
    expect(r('userName')?.attribute).toMatchObject({ caseExact: false, required: true, uniqueness: 'server' });
    expect(r('id')?.attribute).toMatchObject({ caseExact: true, mutability: 'readOnly', returned: 'always' });
    expect(r('externalId')?.attribute).toMatchObject({ caseExact: true, mutability: 'readWrite' });
    expect(r('emails.value')?.subAttribute).toMatchObject({ caseExact: false });
    expect(r('password')?.attribute).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(r('groups')?.attribute).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(r('active')?.attribute.type).toBe('boolean');
    expect(r('meta.created')?.subAttribute?.type).toBe('dateTime');
    expect(resolveAttribute(groupResourceSchema, 'members.value')?.subAttribute).toMatchObject({ mutability: 'immutable' });
  });

  it('have complete, well-formed attributes', () => {
    for (const s of allSchemas) {
      for (const a of all(s.attributes)) {
        expect(a.description.length, `${s.id}:${a.name}`).toBeGreaterThan(0);
        expect(a.type === 'complex', `${s.id}:${a.name}`).toBe(a.subAttributes !== undefined);
      }
      const names = s.attributes.map((a) => a.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    }
    const user = allSchemas[0]!;
    expect(user.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });
});

describe('resolveAttribute', () => {
  it.each([
    ['userName', 'userName'],
    ['USERNAME', 'userName'],
    ['name.GIVENNAME', 'name.givenName'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'userName'],
    ['URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name.familyName', 'name.familyName'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:id', 'id'],
    [`${ENT}:manager.value`, `${ENT}:manager.value`],
    ['department', `${ENT}:department`],
    ['urn:ietf:params:scim:schemas:extension:wire:1.0:User:Some.Key', 'urn:ietf:params:scim:schemas:extension:wire:1.0:User:Some.Key'],
    ['urn:wire:scim:schemas:profile:1.0:richInfo', 'urn:wire:scim:schemas:profile:1.0:richInfo'],
  ])('%s → %s', (text, canonical) => {
    expect(resolveAttribute(userResourceSchema, text)?.canonical).toBe(canonical);
  });

  it.each(['nosuch', 'name.nosuch', 'urn:unknown:schema:attr', `${ENT}:nosuch`, 'userName.x'])('%s is unknown', (text) => {
    expect(resolveAttribute(userResourceSchema, text)).toBeUndefined();
  });
});

describe('discovery documents', () => {
  it('ServiceProviderConfig says what the server supports', () => {
    const spc = buildServiceProviderConfig({
      patch: true,
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      sort: true,
      etag: true,
      location: 'https://x/scim/v2/ServiceProviderConfig',
    });
    expect(spc).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://x/scim/v2/ServiceProviderConfig' },
    });
  });

  it('ResourceTypes list /Users first, with the extensions', () => {
    const rts = buildResourceTypes(resourceSchemas, 'https://x/scim/v2');
    expect(rts[0]).toMatchObject({ id: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' });
    expect((rts[0] as JsonObject)['schemaExtensions']).toContainEqual({ schema: ENT, required: false });
    expect(rts[1]).toMatchObject({ id: 'Group', endpoint: '/Groups', schemaExtensions: [] });
  });

  it('/Schemas serialises every definition (and contains "User Account")', () => {
    const s = buildSchemaResources(allSchemas);
    expect(s.map((x) => x['id'])).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      ENT,
      'urn:wire:scim:schemas:profile:1.0',
      'urn:ietf:params:scim:schemas:extension:wire:1.0:User',
    ]);
    expect(JSON.stringify(s)).toContain('User Account');
    const emails = ((s[0] as JsonObject)['attributes'] as JsonObject[]).find((a) => a['name'] === 'emails') as JsonObject;
    expect(emails).toMatchObject({
      type: 'complex',
      multiValued: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    expect((emails['subAttributes'] as JsonObject[]).map((a) => a['name'])).toEqual(['value', 'display', 'type', 'primary']);
  });
});

describe('rich info', () => {
  const P = 'urn:wire:scim:schemas:profile:1.0';
  const M = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
  it('merges both forms as spar does', () => {
    const fields = mergeRichInfo({
      [P]: {
        richInfo: {
          version: 0,
          fields: [
            { type: 'B', value: '1' },
            { type: 'empty', value: '' },
            { type: 'b', value: 'dup' },
          ],
        },
      },
      [M]: { z: '3', a: '2', B: 'map-dup' },
    });
    expect(fields).toEqual([
      { type: 'B', value: '1' },
      { type: 'a', value: '2' },
      { type: 'z', value: '3' },
    ]);
    expect(richInfoSize(fields)).toBe(6);
    expect(renderRichInfo(fields)).toEqual({ [P]: { richInfo: { version: 0, fields } }, [M]: { B: '1', a: '2', z: '3' } });
  });
  it('accepts a bare array and rejects non-strings', () => {
    expect(mergeRichInfo({ [P]: { richInfo: [{ type: 'k', value: 'v' }] } })).toEqual([{ type: 'k', value: 'v' }]);
    expect(() => mergeRichInfo({ [M]: { k: 1 } })).toThrow(/string/);
  });
});
