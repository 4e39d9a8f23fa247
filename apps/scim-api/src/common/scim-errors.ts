import type { ErrorTransport } from '@sso/platform';
import { SCIM_CONTENT_TYPE, renderScimError } from '@sso/scim';

export { SCIM_CONTENT_TYPE };

const isScimPath = (url: string) => /^(\/v\d+)?\/scim\/v2(\/|\?|$)/i.test(url);

/**
 * Every error under /scim/v2 is an RFC 7644 error, whatever raised it (a controller, a guard,
 * Fastify's body parsing, an unknown route, Node's HTTP parser); Wire JSON elsewhere.
 */
export const scimErrorTransport: ErrorTransport = (path) => (isScimPath(path) ? renderScimError : undefined);
