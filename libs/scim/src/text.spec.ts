import { describe, expect, it } from 'vitest';
import { statusOf } from '@sso/domain';
import { ScimError } from './errors';
import type { JsonObject } from './json';
import { userResourceSchema } from './schema/resource-schemas';
import { checkText, checkTextValue } from './text';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WIRE = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const PROFILE = 'urn:wire:scim:schemas:profile:1.0';

const user = (extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE],
  userName: 'bjensen',
  externalId: 'e-1',
  displayName: 'Babs',
  ...extra,
});
const check = (r: JsonObject) => checkText(r, userResourceSchema);

function detail(r: JsonObject): string {
  try {
    check(r);
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).scimType).toBe('invalidValue');
    expect(statusOf((e as ScimError).code)).toBe(400);
    return (e as ScimError).detail;
  }
  throw new Error('not refused');
}

describe('checkText on a User', () => {
  it.each([
    ['displayName', { displayName: 'Ann\u0000' }, "Attribute 'displayName' contains a control character (U+0000) at position 3"],
    ['externalId', { externalId: 'ext\u0007' }, "Attribute 'externalId' contains a control character (U+0007) at position 3"],
    ['userName', { userName: 'ann\nadmin' }, "Attribute 'userName' contains a control character (U+000A) at position 3"],
    [
      'a bidi override',
      { displayName: 'gnp.exe\u202E' },
      "Attribute 'displayName' contains a bidirectional control (U+202E) at position 7",
    ],
    ['a lone surrogate', { externalId: 'x\uD800' }, "Attribute 'externalId' contains a lone surrogate (U+D800) at position 1"],
    [
      'an email',
      { emails: [{ value: 'a@example.com' }, { value: 'b@example.com\u0000', type: 'work' }] },
      "Attribute 'emails[1].value' contains a control character (U+0000) at position 13",
    ],
    ['a name part', { name: { givenName: 'Ann\r' } }, "Attribute 'name.givenName' contains a control character (U+000D) at position 3"],
    [
      'an email type',
      { emails: [{ value: 'a@example.com', type: 'work\t' }] },
      "Attribute 'emails[0].type' contains a control character (U+0009) at position 4",
    ],
    [
      'an enterprise attribute',
      { [ENT]: { department: 'R\u2066D' } },
      `Attribute '${ENT}:department' contains a bidirectional control (U+2066) at position 1`,
    ],
    [
      'a manager id',
      { [ENT]: { manager: { value: 'm\u0000' } } },
      `Attribute '${ENT}:manager.value' contains a control character (U+0000) at position 1`,
    ],
    [
      'a rich info key (free map)',
      { [WIRE]: { 'Cost\ncenter': '1' } },
      `The attribute name '${WIRE}:Cost\\ncenter' contains a control character (U+000A) at position 4`,
    ],
    [
      'a rich info value (free map)',
      { [WIRE]: { Team: 'a\u0000' } },
      `Attribute '${WIRE}:Team' contains a control character (U+0000) at position 1`,
    ],
    [
      'a rich info field type',
      { [PROFILE]: { richInfo: { version: 0, fields: [{ type: 'T\u202E', value: 'v' }] } } },
      `Attribute '${PROFILE}:richInfo.fields[0].type' contains a bidirectional control (U+202E) at position 1`,
    ],
    [
      'an unknown sub-attribute key',
      { emails: [{ value: 'a@example.com', 'x\u0000': 'y' }] },
      "The attribute name 'emails[0].x\\u0000' contains a control character (U+0000) at position 1",
    ],
    [
      'a schemas entry',
      { schemas: [`${CORE}\u0000`] },
      `Attribute 'schemas[0]' contains a control character (U+0000) at position ${CORE.length}`,
    ],
  ])('refuses %s, naming the attribute', (_, extra, expected) => {
    const d = detail(user(extra as JsonObject));
    expect(d).toContain(`${expected}: text may not carry control characters, bidirectional overrides or lone surrogates`);
    expect(d.startsWith(expected)).toBe(true);
  });

  it('lets line breaks and tabs through in postal addresses, certificates and rich info values, and nothing else', () => {
    check(
      user({
        addresses: [{ formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA', streetAddress: 'Line 1\r\nLine 2', type: 'work' }],
        x509Certificates: [{ value: 'MIIB\nIjAN' }],
        [WIRE]: { Notes: 'first\nsecond\tthird' },
        [PROFILE]: { richInfo: { version: 0, fields: [{ type: 'Notes', value: 'a\nb' }] } },
      }),
    );
    expect(detail(user({ addresses: [{ formatted: 'a\n\u0000' }] }))).toContain(
      "'addresses[0].formatted' contains a control character (U+0000) at position 2",
    );
    expect(detail(user({ addresses: [{ formatted: 'a\u202Eb' }] }))).toContain('(line breaks and tabs are allowed here)');
    expect(detail(user({ addresses: [{ locality: 'a\nb' }] }))).toContain("'addresses[0].locality'");
    expect(detail(user({ [PROFILE]: { richInfo: { version: 0, fields: [{ type: 'Notes', value: 'a\u0007' }] } } }))).toContain(
      'richInfo.fields[0].value',
    );
  });

  it('passes what real people are called: accents, CJK, right-to-left scripts, emoji', () => {
    check(
      user({
        displayName: 'Zoë Ñúñez-Müller 👩🏽‍💻',
        name: { givenName: '太郎', familyName: '山田', formatted: 'محمد عبد الله' },
        nickName: 'דוד\u200F',
        externalId: 'Ünïcødé@例子.广告',
        emails: [{ value: 'zoë@exämple.de', type: 'work', primary: true }],
        title: 'Ingénieure ⚙️',
        [ENT]: { department: 'R&D 🇩🇪' },
        [WIRE]: { Büro: 'Zimmer 3 – Nord' },
      }),
    );
  });
});

describe('checkTextValue', () => {
  it('names the attribute it is given', () => {
    expect(() => checkTextValue('displayName', 'Sales\u0000')).toThrow(
      "Attribute 'displayName' contains a control character (U+0000) at position 5",
    );
    expect(() => checkTextValue('members[2].display', '\u202E')).toThrow("Attribute 'members[2].display' contains a bidirectional control");
    checkTextValue('displayName', 'Vertrieb 販売 🚀');
  });
});
