// The SCIM 2.0 protocol core (RFC 7643/7644): no HTTP, no storage. See README.md.
export * from './errors';
export * from './json';
export * from './normalise';
export * from './limits';
export * from './text';

export * from './schema/types';
export { USER_SCHEMA, userSchema, commonAttributes } from './schema/user';
export { GROUP_SCHEMA, groupSchema } from './schema/group';
export { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema } from './schema/enterprise';
export { WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA, wireProfileSchema, wireUserSchema } from './schema/wire';
export { userResourceSchema, groupResourceSchema, resourceSchemas, allSchemas } from './schema/resource-schemas';
export * from './schema/resolve';
export * from './schema/discovery';
export * from './schema/rich-info';

export * from './filter/ast';
export { parseFilter, parsePatchPath, defaultFilterLimits, type FilterLimits } from './filter/parser';
export { printFilter, printPath, printLiteral } from './filter/printer';
export { evaluateFilter, evaluateElementFilter } from './filter/evaluate';
export { validateFilter, compileFilter, type CompiledFilter } from './filter/validate';
export { indexableEquality, defaultIndexedAttributes, type IndexableEquality } from './filter/indexable';
export { parseDateTime } from './filter/datetime';

export * from './patch/request';
export { applyPatch, type PatchOptions, type PatchResult } from './patch/apply';

export * from './shape/projection';
export * from './shape/sort';
export * from './shape/list';
export * from './shape/etag';
