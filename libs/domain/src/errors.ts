/**
 * Every error the services return, by code, in one table: its HTTP status, its Wire label and,
 * where RFC 7644 names one, its SCIM `scimType`. Core code throws `DomainError(code, ...)` (or a
 * subclass such as libs/scim's `ScimError`) and never chooses a status; the transports (Wire JSON,
 * SCIM JSON, the SAML HTML verdict) read status and label from here. A code missing from the table
 * fails the build.
 */

/** The `scimType` values of RFC 7644 §3.12, plus the cursor errors of RFC 9865 §5. */
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

export const errorCodes = [
  // generic
  'client-error',
  'bad-request',
  'not-found',
  'no-endpoint',
  'method-not-allowed',
  'not-acceptable',
  'request-timeout',
  'conflict',
  'precondition-failed',
  'payload-too-large',
  'request-uri-too-long',
  'unsupported-media-type',
  'too-many-requests',
  'request-header-fields-too-large',
  'server-error',
  'not-implemented',
  'service-unavailable',
  'unsupported-version',
  // identity and permissions
  'invalid-credentials',
  'suspended',
  'pending-activation',
  'access-denied',
  'code-authentication-failed',
  'code-authentication-required',
  'insufficient-permissions',
  'no-team-member',
  'invalid-token',
  'missing-auth',
  'key-exists',
  // SAML
  'sso-disabled',
  'need-both-redirect-urls',
  'invalid-schema',
  'url-too-long',
  'server-error-unsupported-saml',
  'bad-success-redirect',
  'bad-failure-redirect',
  'bad-team',
  'bad-username',
  'cannont-provision-on-replaced-idp',
  'bad-upstream',
  'ttl-error',
  'bad-response-encoding',
  'bad-response-xml',
  'bad-response-saml',
  'bad-response-issuer',
  'bad-response-signature',
  'bad-logout-message',
  'logout-replayed',
  'single-logout-disabled',
  // IdP discovery by email domain
  'invalid-domain',
  'domain-verification-failed',
  'domain-already-registered',
  'invalid-certificate',
  'invalid-metadata',
  'idp-already-in-use',
  'idp-must-be-https',
  'idp-has-bound-users',
  'idp-issuer-in-use',
  'cannot-delete-own-idp',
  'cannot-mix-idp-api-verions',
  'idp-non-unique',
  'idp-duplicate-domain-for-team',
  'more-than-one-idp',
  // SCIM tokens
  'token-limit-reached',
  'rotation-in-progress',
  // passwords (brig's password reset labels)
  'weak-password',
  'invalid-code',
  // SCIM protocol errors: named by their scimType
  ...scimTypes,
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorSpec {
  status: number;
  /** Wire's `label`: the code itself unless given (several codes share a label). */
  label?: string;
  scimType?: ScimType;
}

/** Wire's label of a SCIM protocol error (they are rendered in Wire shape only off /scim/v2). */
const scim = (scimType: ScimType, status = 400, label = 'bad-request'): ErrorSpec => ({ status, label, scimType });

/** The one table (docs/spar-behaviour.md section 2 for spar's labels and statuses). Exhaustive by type. */
export const errorSpecs: Readonly<Record<ErrorCode, ErrorSpec>> = {
  'client-error': { status: 400 },
  'bad-request': { status: 400 },
  'not-found': { status: 404 },
  'no-endpoint': { status: 404 },
  'method-not-allowed': { status: 405 },
  'not-acceptable': { status: 406, label: 'client-error' },
  'request-timeout': { status: 408, label: 'client-error' },
  conflict: { status: 409 },
  'precondition-failed': { status: 412 },
  'payload-too-large': { status: 413 },
  'request-uri-too-long': { status: 414, label: 'client-error' },
  'unsupported-media-type': { status: 415 },
  'too-many-requests': { status: 429 },
  'request-header-fields-too-large': { status: 431, label: 'client-error' },
  'server-error': { status: 500 },
  'not-implemented': { status: 501 },
  'service-unavailable': { status: 503 },
  'unsupported-version': { status: 404 },
  'invalid-credentials': { status: 403 },
  suspended: { status: 403 },
  // brig's AccountPending: the login email belongs to an invitation not accepted yet.
  'pending-activation': { status: 403 },
  'access-denied': { status: 403 },
  'code-authentication-failed': { status: 403 },
  'code-authentication-required': { status: 403 },
  'insufficient-permissions': { status: 403 },
  'no-team-member': { status: 403 },
  'invalid-token': { status: 401 },
  'missing-auth': { status: 401 },
  'key-exists': { status: 409 },
  'sso-disabled': { status: 403 },
  'need-both-redirect-urls': { status: 400 },
  'invalid-schema': { status: 400 },
  'url-too-long': { status: 400 },
  'server-error-unsupported-saml': { status: 400 },
  'bad-success-redirect': { status: 400 },
  'bad-failure-redirect': { status: 400 },
  'bad-team': { status: 403 },
  'bad-username': { status: 400 },
  'cannont-provision-on-replaced-idp': { status: 400 },
  'bad-upstream': { status: 502 },
  'ttl-error': { status: 400 },
  'bad-response-encoding': { status: 400 },
  'bad-response-xml': { status: 400 },
  'bad-response-saml': { status: 400 },
  // An Issuer that is not the IdP's: spar answers it as a forbidden bad-response-saml.
  'bad-response-issuer': { status: 403, label: 'bad-response-saml' },
  'bad-response-signature': { status: 400 },
  // SAML Single Logout (ours: spar has none): a logout message that fails a check, a replayed one, an IdP not opted in.
  'bad-logout-message': { status: 400 },
  'logout-replayed': { status: 403, label: 'bad-logout-message' },
  'single-logout-disabled': { status: 403 },
  'invalid-domain': { status: 400 },
  'domain-verification-failed': { status: 400 },
  'domain-already-registered': { status: 409 },
  'invalid-certificate': { status: 500 },
  'invalid-metadata': { status: 400 },
  'idp-already-in-use': { status: 400 },
  'idp-must-be-https': { status: 400 },
  'idp-has-bound-users': { status: 412 },
  'idp-issuer-in-use': { status: 400 },
  'cannot-delete-own-idp': { status: 409 },
  'cannot-mix-idp-api-verions': { status: 409 },
  'idp-non-unique': { status: 409 },
  'idp-duplicate-domain-for-team': { status: 409 },
  'more-than-one-idp': { status: 400 },
  'token-limit-reached': { status: 403 },
  'rotation-in-progress': { status: 409 },
  // A new password that breaks the policy (libs/auth password-policy.ts).
  'weak-password': { status: 400 },
  // brig: a password reset key and code that do not match a pending reset ("Invalid password reset code.").
  'invalid-code': { status: 400 },
  invalidFilter: scim('invalidFilter'),
  tooMany: scim('tooMany'),
  uniqueness: scim('uniqueness', 409, 'conflict'),
  mutability: scim('mutability'),
  invalidSyntax: scim('invalidSyntax'),
  invalidPath: scim('invalidPath'),
  noTarget: scim('noTarget'),
  invalidValue: scim('invalidValue'),
  invalidVers: scim('invalidVers'),
  sensitive: scim('sensitive', 403, 'access-denied'),
  invalidCursor: scim('invalidCursor'),
  expiredCursor: scim('expiredCursor'),
  invalidCount: scim('invalidCount'),
};

/** The HTTP status of a code. */
export const statusOf = (code: ErrorCode): number => errorSpecs[code].status;
/** Wire's label of a code. */
export const labelOf = (code: ErrorCode): string => errorSpecs[code].label ?? code;

/** Facts about an error that a transport may turn into headers; never a status. */
export interface ErrorDetails {
  /** Seconds until a refused request may be retried (`Retry-After`). */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<ErrorDetails> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
