/**
 * Every error the services return, by Wire's label. Domain code throws `DomainError(code, ...)`;
 * the HTTP layer maps each code to a status in one exhaustive table, so a new code that is not
 * mapped fails the build.
 */
export const errorCodes = [
  // generic
  'client-error',
  'bad-request',
  'not-found',
  'no-endpoint',
  'method-not-allowed',
  'payload-too-large',
  'unsupported-media-type',
  'too-many-requests',
  'server-error',
  'service-unavailable',
  'unsupported-version',
  // identity and permissions
  'invalid-credentials',
  'suspended',
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
  'bad-response-signature',
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
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Response headers that go with the error, e.g. `retry-after` on 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
