/** RFC 7643 §7 attribute characteristics, kept as data so /Schemas, PATCH and filters share them. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * The most values this service stores for a multi-valued attribute. RFC 7643 has no
   * characteristic for it: /Schemas states it in the description.
   */
  readonly maxValues?: number;
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
  /**
   * An open schema takes any attribute name, each a single string (Wire's
   * `urn:ietf:params:scim:schemas:extension:wire:1.0:User`, a free key/value map). RFC 7643 has
   * no way to say this, so /Schemas lists no attributes for it.
   */
  readonly openAttributes?: AttributeDefinition;
}

export interface SchemaExtensionRef {
  readonly schema: SchemaDefinition;
  readonly required: boolean;
}

/** A resource type's schemas: the core one, the common attributes (id, externalId, meta), extensions. */
export interface ResourceSchema {
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly core: SchemaDefinition;
  readonly common: readonly AttributeDefinition[];
  readonly extensions: readonly SchemaExtensionRef[];
}
