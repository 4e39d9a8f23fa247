import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, ifMatchPasses, ifNoneMatchPasses } from '@sso/scim';
import { header } from './scim-http';

/** `If-Match` / `If-None-Match` of a write (RFC 7644 §3.14), as the request sent them. */
export interface Preconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export function preconditionsOf(req: FastifyRequest): Preconditions {
  return { ifMatch: header(req, 'if-match'), ifNoneMatch: header(req, 'if-none-match') };
}

/** Whether the request made its write conditional (then a lost race is 412, not a retry). */
export const hasPreconditions = (p: Preconditions): boolean => (p.ifMatch ?? '').trim() !== '' || (p.ifNoneMatch ?? '').trim() !== '';

export const preconditionFailed = () =>
  new ScimError('precondition-failed', 'The resource has changed: its version does not match If-Match / If-None-Match');

/** 412 unless both headers accept the current version. */
export function checkPreconditions(pre: Preconditions, version: string): void {
  if (!ifMatchPasses(pre.ifMatch, version) || !ifNoneMatchPasses(pre.ifNoneMatch, version)) throw preconditionFailed();
}

/**
 * A conditional GET (RFC 7232 §3.2): when If-None-Match names the current version, sets 304 and
 * the ETag on `reply` and returns true (the route answers no body).
 */
export function answeredNotModified(req: FastifyRequest, reply: FastifyReply, version: string): boolean {
  const inm = header(req, 'if-none-match');
  if (inm === undefined || inm.trim() === '' || ifNoneMatchPasses(inm, version)) return false;
  void reply.status(304).header('etag', version);
  return true;
}
