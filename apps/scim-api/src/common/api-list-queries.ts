import { ApiQuery } from '@nestjs/swagger';

/** The list query parameters of GET /Users and GET /Groups, documented with examples. */
export const listQueryNames = [
  'filter',
  'startIndex',
  'count',
  'cursor',
  'sortBy',
  'sortOrder',
  'attributes',
  'excludedAttributes',
] as const;

export function ApiListQueries(examples: Record<(typeof listQueryNames)[number], string>): MethodDecorator {
  return (target, key, desc) => {
    for (const name of listQueryNames) ApiQuery({ name, required: false, example: examples[name] })(target, key, desc);
  };
}
