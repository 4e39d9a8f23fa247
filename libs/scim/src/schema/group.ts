import { scimLimits } from '../limits';
import { attr, complex, str } from './attributes';
import type { SchemaDefinition } from './types';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * RFC 7643 §4.2 / §8.7.1. `members.display` is not in §8.7.1 but §4.2 names it and every client
 * sends it; it is readOnly in spirit, yet clients put it in PATCH values, so it is readWrite here
 * and the server may ignore it.
 */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group.', { required: true }),
    complex(
      'members',
      `A list of members of the Group. A group may have any number of members, but one request names at most ${scimLimits.membersPerRequest}: the members of a POST or PUT, or all the members the operations of a PATCH add or remove.`,
      [
        str('value', 'Identifier of the member of this Group.', { caseExact: true, mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          caseExact: true,
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        str('display', 'A human-readable name for the member.'),
        str('type', 'A label indicating the type of resource.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
      { multiValued: true },
    ),
  ],
};
