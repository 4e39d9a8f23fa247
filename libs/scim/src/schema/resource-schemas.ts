import { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema } from './enterprise';
import { groupSchema } from './group';
import type { ResourceSchema, SchemaDefinition } from './types';
import { commonAttributes, userSchema } from './user';
import { wireProfileSchema, wireUserSchema } from './wire';

export const userResourceSchema: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  core: userSchema,
  common: commonAttributes,
  extensions: [
    { schema: enterpriseUserSchema, required: false },
    { schema: wireProfileSchema, required: false },
    { schema: wireUserSchema, required: false },
  ],
};

export const groupResourceSchema: ResourceSchema = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  core: groupSchema,
  common: commonAttributes,
  extensions: [],
};

export const resourceSchemas: readonly ResourceSchema[] = [userResourceSchema, groupResourceSchema];

/** Every schema this service serves at /Schemas, in the order spar lists its own. */
export const allSchemas: readonly SchemaDefinition[] = [userSchema, groupSchema, enterpriseUserSchema, wireProfileSchema, wireUserSchema];

export { ENTERPRISE_USER_SCHEMA };
