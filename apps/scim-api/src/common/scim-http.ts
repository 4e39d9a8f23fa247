import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@sso/config';
import type { ScimTokenRecord } from '@sso/persistence';
import type { ScimRequest } from '@sso/platform';
import { ScimError } from '@sso/scim';
import type { ListQuery } from './list-query';

/** `scim.baseUri` if configured (spar's `scimBaseUri`), else the request's own origin. */
export function baseUrl(config: Config, req: FastifyRequest): string {
  if (config.scim.baseUri) return config.scim.baseUri.replace(/\/+$/, '');
  const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
  return `${req.protocol}://${String(host).split(',')[0]!.trim()}/scim/v2`;
}

export function tokenOf(req: ScimRequest): ScimTokenRecord {
  if (!req.scimToken) throw new Error('SCIM route without ScimTokenGuard');
  return req.scimToken;
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** SCIM bodies are `application/scim+json` or `application/json` (charset optional); else 415. */
export function jsonBody(req: FastifyRequest): unknown {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/scim+json' && type !== 'application/json') {
    throw new ScimError('unsupported-media-type', `Unsupported media type '${type}': send application/scim+json or application/json`);
  }
  return req.body;
}

/** The OpenAPI description of the Prefer header on PATCH. */
export const prefer = {
  name: 'Prefer',
  required: false,
  description: 'RFC 7240: `return=minimal` answers 204 No Content, `return=representation` 200 with the resource',
  example: 'return=minimal',
};

/**
 * What a successful PATCH answers: RFC 7240's `Prefer: return=minimal` (204) or
 * `return=representation` (200 with the resource) when the client says so, else
 * `scim.patchResponse` (default 200 with the resource, as spar and RFC 7644 §3.5.2's first option).
 * `attributes`/`excludedAttributes` in the query ask for a representation.
 */
export function patchWantsResource(config: Config, req: FastifyRequest, projected: boolean): boolean {
  const prefer = (header(req, 'prefer') ?? '').toLowerCase();
  for (const pref of prefer.split(',')) {
    const m = /^\s*return\s*=\s*"?([a-z]+)"?\s*(;|$)/.exec(pref);
    if (m?.[1] === 'minimal') return false;
    if (m?.[1] === 'representation') return true;
  }
  return projected || config.scim.patchResponse === 'resource';
}

/**
 * After a PATCH: when the client asked for no representation (`patchWantsResource`), sets 204 and
 * the new ETag on `reply` and returns true (the route answers no body).
 */
export function answeredPatchMinimal(
  config: Config,
  req: FastifyRequest,
  reply: FastifyReply,
  q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>,
  version: string,
): boolean {
  if (patchWantsResource(config, req, q.attributes !== undefined || q.excludedAttributes !== undefined)) return false;
  void reply.status(204).header('etag', version);
  return true;
}
