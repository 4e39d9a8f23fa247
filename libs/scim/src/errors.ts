import type { JsonObject } from './json';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The `scimType` values of RFC 7644 §3.12, plus the cursor errors of RFC 9865 §5. `uniqueness` is
 * never raised here: only the storage layer knows about conflicts, and uses this type for them.
 */
export const scimTypes = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
  'invalidCursor',
  'expiredCursor',
  'invalidCount',
] as const;
export type ScimType = (typeof scimTypes)[number];

/** The HTTP status each scimType goes with; 409 for uniqueness, 403 for sensitive, else 400. */
export function statusForScimType(t: ScimType): number {
  switch (t) {
    case 'uniqueness':
      return 409;
    case 'sensitive':
      return 403;
    default:
      return 400;
  }
}

/** A protocol error: the HTTP layer renders it with `scimErrorBody`, nothing else maps it. */
export class ScimError extends Error {
  readonly status: number;
  constructor(
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    status?: number,
  ) {
    super(scimType ? `${scimType}: ${detail}` : detail);
    this.name = 'ScimError';
    this.status = status ?? (scimType ? statusForScimType(scimType) : 400);
  }
}

export interface ScimErrorBody extends JsonObject {
  schemas: string[];
  status: string;
  detail: string;
}

/** RFC 7644 §3.12 error body; `status` is a string, as the RFC's examples and Entra expect. */
export function scimErrorBody(e: { status: number; scimType?: ScimType | undefined; detail?: string }): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(e.status), detail: e.detail ?? '' };
  if (e.scimType) body['scimType'] = e.scimType;
  return body;
}

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}
