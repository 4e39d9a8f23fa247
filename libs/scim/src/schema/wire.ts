import { attr, complex, str } from './attributes';
import type { SchemaDefinition } from './types';

export const WIRE_PROFILE_SCHEMA = 'urn:wire:scim:schemas:profile:1.0';
export const WIRE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';

/**
 * Spar's rich-info extension: `{"richInfo": {"version": 0, "fields": [{"type", "value"}]}}`;
 * clients may also send `richInfo` as the bare `fields` array (see `normaliseRichInfo`).
 */
export const wireProfileSchema: SchemaDefinition = {
  id: WIRE_PROFILE_SCHEMA,
  name: 'WireProfile',
  description: 'Wire user profile: rich info (free-form fields shown in the Wire client).',
  attributes: [
    complex('richInfo', 'Rich info: a versioned list of type/value pairs.', [
      attr('version', 'integer', 'Format version, always 0.'),
      complex(
        'fields',
        'The rich info fields, in display order.',
        [str('type', 'The field label.'), str('value', 'The field value.', { caseExact: true })],
        { multiValued: true },
      ),
    ]),
  ],
};

/**
 * Spar's second rich-info form: a free map of string keys to string values. Keys compare
 * case-insensitively (spar dedupes them so), values are kept exactly.
 */
export const wireUserSchema: SchemaDefinition = {
  id: WIRE_USER_SCHEMA,
  name: 'WireUser',
  description: 'Wire rich info as a free map of string keys to string values.',
  attributes: [],
  openAttributes: str('*', 'A rich info field.', { caseExact: true }),
};
