import { DomainError, type ErrorCode, type ScimType, errorSpecs, scimTypes, statusOf } from '@sso/domain';
import type { JsonObject } from './json';

export { scimTypes, type ScimType };

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The media type of every SCIM answer, errors included. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * A SCIM protocol error: a `DomainError` whose code is usually a scimType (`invalidFilter`,
 * `uniqueness`, ...), else a generic code (`not-found`, `precondition-failed`, ...). Its status
 * and scimType come from libs/domain's table; `detail` is the message.
 */
export class ScimError extends DomainError {
  readonly scimType: ScimType | undefined;
  readonly detail: string;
  constructor(code: ErrorCode, detail: string) {
    super(code, detail);
    this.name = 'ScimError';
    this.scimType = errorSpecs[code].scimType;
    this.detail = detail;
  }
}

export interface ScimErrorBody extends JsonObject {
  schemas: string[];
  status: string;
  detail: string;
}

/**
 * The SCIM JSON renderer's body, RFC 7644 §3.12: `status` is a string, as the RFC's examples and
 * Entra expect; `scimType` only for codes that have one.
 */
export function scimErrorBody(e: { code: ErrorCode; message: string }): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(statusOf(e.code)), detail: e.message };
  const scimType = errorSpecs[e.code].scimType;
  if (scimType) body['scimType'] = scimType;
  return body;
}

/** The SCIM JSON renderer (an `ErrorRenderer` of libs/platform). */
export const renderScimError = (e: { code: ErrorCode; message: string }): { contentType: string; body: string } => ({
  contentType: SCIM_CONTENT_TYPE,
  body: JSON.stringify(scimErrorBody(e)),
});

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}
