import { attr, complex, str } from './attributes';
import type { SchemaDefinition } from './types';

export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    complex('manager', "The User's manager.", [
      str('value', "The id of the SCIM resource representing the User's manager.", { caseExact: true }),
      attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
        caseExact: true,
        referenceTypes: ['User'],
      }),
      str('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
    ]),
  ],
};
