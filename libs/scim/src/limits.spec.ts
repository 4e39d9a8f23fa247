import { describe, expect, it } from 'vitest';
import { failsWith as fails } from './expect-scim-error';
import type { JsonObject, JsonValue } from './json';
import { checkValueCounts, scimLimits } from './limits';
import { normaliseResource } from './normalise';
import { applyPatch } from './patch/apply';
import { PATCH_OP_SCHEMA, parsePatchRequest } from './patch/request';
import { buildSchemaResources, buildServiceProviderConfig } from './schema/discovery';
import { allSchemas, userResourceSchema } from './schema/resource-schemas';
import { mergeRichInfo } from './schema/rich-info';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';
const MAX = scimLimits.valuesPerAttribute;

const user = (extra: JsonObject = {}): JsonObject => ({ schemas: [CORE], userName: 'bjensen', externalId: 'e', ...extra });
const emails = (n: number, from = 0): JsonValue[] =>
  Array.from({ length: n }, (_, i) => ({ value: `u${from + i}@example.com`, type: 'work' }));
const body = (Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const patch = (ops: unknown[], r = user()) =>
  applyPatch(r, parsePatchRequest(body(ops)), userResourceSchema, { replaceNoMatch: 'add' }).resource;

describe('operations per PatchOp', () => {
  const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));

  it(`takes ${scimLimits.operationsPerPatch} operations and refuses one more with tooMany, unread`, () => {
    expect(parsePatchRequest(body(ops(scimLimits.operationsPerPatch)))).toHaveLength(scimLimits.operationsPerPatch);
    const detail = fails('tooMany', () => parsePatchRequest(body([...ops(scimLimits.operationsPerPatch), 'not even an object'])));
    expect(detail).toBe(
      `A PATCH request carries at most ${scimLimits.operationsPerPatch} operations, got ${scimLimits.operationsPerPatch + 1}: split it into several requests`,
    );
  });

  it('takes a lower cap from the caller', () => {
    expect(parsePatchRequest(body(ops(2)), { maxOperations: 2 })).toHaveLength(2);
    fails('tooMany', () => parsePatchRequest(body(ops(3)), { maxOperations: 2 }));
  });
});

describe('values per multi-valued User attribute', () => {
  it('caps every multi-valued attribute of the User schema, and only those', () => {
    const capped = userResourceSchema.core.attributes.filter((a) => a.maxValues !== undefined).map((a) => a.name);
    expect(capped).toEqual(['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates']);
    expect(userResourceSchema.core.attributes.filter((a) => a.multiValued).every((a) => a.maxValues === MAX)).toBe(true);
  });

  it(`PATCH add: ${MAX} values pass, ${MAX + 1} in one operation are refused naming the attribute`, () => {
    expect(patch([{ op: 'add', path: 'emails', value: emails(MAX) }])['emails']).toHaveLength(MAX);
    expect(fails('invalidValue', () => patch([{ op: 'add', path: 'emails', value: emails(MAX + 1) }]))).toBe(
      `Attribute 'emails' takes at most ${MAX} values, got ${MAX + 1}`,
    );
  });

  it('PATCH: the cap holds across operations, path-less values and filtered adds', () => {
    expect(
      patch([
        { op: 'add', path: 'phoneNumbers', value: emails(60) },
        { op: 'add', path: 'phoneNumbers', value: emails(40, 60) },
      ])['phoneNumbers'],
    ).toHaveLength(MAX);
    fails('invalidValue', () =>
      patch([
        { op: 'add', path: 'phoneNumbers', value: emails(60) },
        { op: 'add', path: 'phoneNumbers', value: emails(41, 60) },
      ]),
    );
    fails('invalidValue', () => patch([{ op: 'add', value: { roles: emails(MAX + 1) } }]));
    fails('invalidValue', () => patch([{ op: 'replace', path: 'entitlements', value: emails(MAX + 1) }]));
    const full = user({ emails: emails(MAX) });
    expect(
      fails('invalidValue', () => patch([{ op: 'add', path: 'emails[type eq "home"].value', value: 'h@example.com' }], full)),
    ).toContain(`at most ${MAX} values, got ${MAX + 1}`);
  });

  it('PATCH: duplicates merge, so re-adding values of a full list passes; removing from an over-full list passes', () => {
    const full = user({ emails: emails(MAX) });
    expect(patch([{ op: 'add', path: 'emails', value: emails(MAX) }], full)['emails']).toHaveLength(MAX);
    const over = user({ emails: emails(MAX + 5) });
    expect(patch([{ op: 'remove', path: 'emails[value sw "u10"]' }], over)['emails']).toHaveLength(MAX + 5 - 6); // u10 and u100-u104
  });

  it('checkValueCounts refuses a resource above a cap (what POST and PUT store)', () => {
    checkValueCounts(user({ emails: emails(MAX), addresses: emails(MAX) }), userResourceSchema);
    expect(fails('invalidValue', () => checkValueCounts(user({ addresses: emails(MAX + 1) }), userResourceSchema))).toBe(
      `Attribute 'addresses' takes at most ${MAX} values, got ${MAX + 1}`,
    );
    fails('invalidValue', () => checkValueCounts(user({ x509Certificates: emails(MAX + 1) }), userResourceSchema));
  });

  it('PATCH of 20,000 emails (the reported request) is refused', () => {
    const detail = fails('invalidValue', () => patch([{ op: 'add', path: 'emails', value: emails(20_000) }]));
    expect(detail).toContain('got 20000');
  });
});

describe('rich info entries', () => {
  const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ type: `k${i}`, value: 'v' }));
  const N = scimLimits.richInfoEntries;

  it(`the free map takes ${N} keys on POST/PUT and refuses ${N + 1}`, () => {
    expect(Object.keys(normaliseResource(user({ [WIRE]: map(N) }), userResourceSchema).resource[WIRE] as JsonObject)).toHaveLength(N);
    expect(fails('invalidValue', () => normaliseResource(user({ [WIRE]: map(N + 1) }), userResourceSchema))).toBe(
      `Attribute '${WIRE}' takes at most ${N} values, got ${N + 1}`,
    );
  });

  it('the profile form takes as many fields', () => {
    expect(mergeRichInfo({ [PROFILE]: { richInfo: { version: 0, fields: fields(N) } } })).toHaveLength(N);
    fails('invalidValue', () => mergeRichInfo({ [PROFILE]: { richInfo: { version: 0, fields: fields(N + 1) } } }));
  });

  it('PATCH: path-less objects and one key per operation are capped alike', () => {
    expect(Object.keys(patch([{ op: 'add', value: { [WIRE]: map(N) } }])[WIRE] as JsonObject)).toHaveLength(N);
    fails('invalidValue', () => patch([{ op: 'add', value: { [WIRE]: map(N + 1) } }]));
    fails('invalidValue', () => patch([{ op: 'add', path: WIRE, value: map(N + 1) }]));
    const full = user({ [WIRE]: map(N) });
    expect(fails('invalidValue', () => patch([{ op: 'add', path: `${WIRE}:one.more`, value: 'v' }], full))).toContain(`got ${N + 1}`);
    expect((patch([{ op: 'replace', path: `${WIRE}:k1`, value: 'changed' }], full)[WIRE] as JsonObject)['k1']).toBe('changed');
  });
});

describe('advertised caps', () => {
  it('/Schemas states each cap in the attribute description', () => {
    const [userRes, groupRes] = buildSchemaResources(allSchemas);
    const attr = (r: JsonObject | undefined, name: string) => (r!['attributes'] as JsonObject[]).find((a) => a['name'] === name)!;
    expect(attr(userRes, 'emails')['description']).toBe(`Email addresses for the user. At most ${MAX} values.`);
    expect(attr(userRes, 'roles')['description']).toContain(`At most ${MAX} values.`);
    expect(attr(userRes, 'displayName')['description']).not.toContain('At most');
    expect(attr(groupRes, 'members')['description']).toContain(`one request names at most ${scimLimits.membersPerRequest}`);
  });

  it('ServiceProviderConfig gives patch.maxOperations when asked to', () => {
    const f = {
      patch: true,
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 10 },
      sort: true,
      etag: true,
    };
    expect(buildServiceProviderConfig({ ...f, patchMaxOperations: 7 })['patch']).toEqual({ supported: true, maxOperations: 7 });
    expect(buildServiceProviderConfig(f)['patch']).toEqual({ supported: true });
  });
});
