import type { AttributeDefinition, AttributeType } from './types';

/** Builders with RFC 7643 §2.2 defaults, so the schema files list only what differs. */
type Opts = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

export function attr(name: string, type: AttributeType, description: string, opts: Opts = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...opts,
  };
}

export const str = (name: string, description: string, opts: Opts = {}) => attr(name, 'string', description, opts);

export function complex(name: string, description: string, subAttributes: AttributeDefinition[], opts: Opts = {}) {
  return attr(name, 'complex', description, { ...opts, subAttributes });
}

/**
 * The shape RFC 7643 §2.4 gives most multi-valued attributes (emails, phoneNumbers, ...): value,
 * display, type, primary.
 */
export function multiValued(
  name: string,
  description: string,
  opts: { valueType?: AttributeType; types?: string[]; referenceTypes?: string[]; mutability?: AttributeDefinition['mutability'] } = {},
): AttributeDefinition {
  const m = opts.mutability ? { mutability: opts.mutability } : {};
  return complex(
    name,
    description,
    [
      attr('value', opts.valueType ?? 'string', `The value of the ${name} entry.`, {
        ...m,
        ...(opts.referenceTypes ? { referenceTypes: opts.referenceTypes } : {}),
      }),
      str('display', 'A human-readable name, primarily used for display purposes.', m),
      str('type', `A label indicating the ${name} entry's function.`, { ...m, ...(opts.types ? { canonicalValues: opts.types } : {}) }),
      attr('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred attribute value.", m),
    ],
    { ...m, multiValued: true },
  );
}
