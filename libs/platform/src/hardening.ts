import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '@sso/domain';

/** Query parameters that would carry a credential; refused by every app (see docs/compatibility.md). */
export const QUERY_CREDENTIALS = ['access_token'];

/** The names of the query parameters of a raw URL, decoded. */
function queryNames(url: string): string[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
      try {
        return decodeURIComponent(name);
      } catch {
        return name;
      }
    });
}

/**
 * Credentials travel in headers only. A token in a URL ends in proxy logs, browser history and
 * Referer headers, so the request is refused before any route reads it, whatever the token is.
 */
export function refuseQueryCredentials(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req, reply) => {
    if (reply.sent) return; // an earlier hook answered
    const names = queryNames(req.url);
    const found = names.find((n) => QUERY_CREDENTIALS.includes(n.trim().toLowerCase()));
    if (found === undefined) return;
    throw new DomainError(
      'bad-request',
      `Credentials are not accepted in the query string ('${QUERY_CREDENTIALS[0]}'): send the token in the Authorization header`,
    );
  });
}

/** The CSP of an HTML page that sets none itself: nothing may load, run, submit or frame it. */
export const DEFAULT_HTML_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Headers every response carries (`nosniff`), and those of HTML pages: no framing (CSP
 * frame-ancestors and X-Frame-Options for older browsers), no Referer leaving the page, and a
 * strict CSP unless the page brings its own (initiate-login and the ACS verdicts do: they run one
 * inline script, allowed by its hash).
 */
export function securityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_req, reply: FastifyReply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (/^\s*(text\/html|application\/xhtml\+xml)/i.test(String(reply.getHeader('content-type') ?? ''))) {
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DEFAULT_HTML_CSP);
    }
    done(null, payload);
  });
}
