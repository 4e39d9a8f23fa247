import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of one of our HTML pages: nothing loads, the page's own inline
 * script runs by its hash (no 'unsafe-inline'), it cannot be framed, and its forms may go only
 * where they are meant to. `formAction` is a source expression (an origin), or none.
 */
export function pageCsp(script: string, formAction?: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "base-uri 'none'",
    `form-action ${formAction ?? "'none'"}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
